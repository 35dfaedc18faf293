import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { eventApplier, eventSchemas, versionStreamId, type EventType, type JsonValue, type Projection } from '@dotscience/core';
import type { InMemoryEventStore } from '@dotscience/core/testing';

/** Names shared by datasets and models (one of each is an object member's name), run indexes and contents, kept few so events meet. */
const NAMES = ['raw', 'churn', '__proto__', 'constructor'] as const;
const RUNS = 5;
const CONTENTS = 4;

export const provenanceRunId = (i: number): string => `0190000${i}-7000-7000-8000-00000000000${i}`;
const digest = (n: number): string => `sha256:${n.toString(16).padStart(64, '0')}`;
const ref = (content: number) => ({ store: 'fs', digest: digest(content), kind: 'file' as const, bytes: 10 * content, files: 1 });

type Numbering = 'none' | 'local' | 'hub' | 'settles';
const numberingOf = (n: Numbering): object =>
  n === 'none' ? {} : n === 'settles' ? { numbering: { by: 'hub', settles: randomUUID() } } : { numbering: { by: n } };

type Step =
  | { kind: 'start'; run: number; user: 'ada' | 'Bob'; project?: 'churn' | 'fraud' }
  | { kind: 'input'; run: number; name: number; content: number }
  | { kind: 'dataset'; name: number; version: number; content: number; producedBy: number | null; numbering: Numbering; project?: 'churn' | 'fraud' }
  | { kind: 'model'; name: number; version: number; content: number; producedBy: number; numbering: Numbering }
  | { kind: 'alias'; name: number; alias: 'champion' | 'prod'; version: number | null }
  | { kind: 'tag'; name: number; version: number; value: string | null }
  | { kind: 'describe'; name: number; version: number | null; text: string }
  | { kind: 'run'; run: number; type: 'RunPublished' | 'RunErrored' | 'RunDescribed' };

const run = fc.nat(RUNS - 1);
const name = fc.nat(NAMES.length - 1);
const version = fc.integer({ min: 1, max: 3 });
const content = fc.nat(CONTENTS - 1);
const numbering = fc.constantFrom<Numbering>('none', 'local', 'hub', 'settles');

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('start' as const),
      run,
      user: fc.constantFrom('ada' as const, 'Bob' as const),
      project: fc.constantFrom('churn' as const, 'fraud' as const),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('input' as const), run, name, content }), weight: 3 },
  {
    // A dataset of the default project, or of a run's project (D122): inputs resolve by the run's project.
    arbitrary: fc.record({
      kind: fc.constant('dataset' as const),
      name,
      version,
      content,
      producedBy: fc.option(run, { nil: null }),
      numbering,
      project: fc.option(fc.constantFrom('churn' as const, 'fraud' as const), { nil: undefined }),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('model' as const), name, version, content, producedBy: run, numbering }), weight: 3 },
  fc.record({
    kind: fc.constant('alias' as const),
    name,
    alias: fc.constantFrom('champion' as const, 'prod' as const),
    version: fc.option(version, { nil: null }),
  }),
  fc.record({ kind: fc.constant('tag' as const), name, version, value: fc.option(fc.constantFrom('a', 'b'), { nil: null }) }),
  fc.record({ kind: fc.constant('describe' as const), name, version: fc.option(version, { nil: null }), text: fc.constantFrom('x', 'y') }),
  fc.record({ kind: fc.constant('run' as const), run, type: fc.constantFrom('RunPublished' as const, 'RunErrored' as const, 'RunDescribed' as const) }),
);

export const provenanceHistoryArbitrary = fc.array(step, { minLength: 1, maxLength: 40 });

type Event = { stream: string; type: EventType; data: unknown };

function eventOf(s: Step): Event {
  switch (s.kind) {
    case 'start':
      return {
        stream: `run-${provenanceRunId(s.run)}`,
        type: 'RunStarted',
        data: {
          runId: provenanceRunId(s.run),
          projectId: s.project ?? 'churn',
          mode: 'script',
          workload: { script: 'train.py' },
          codeVersion: {},
          environment: { runtime: 'node 20', os: 'linux', host: 'lab', user: s.user },
          startedAt: '2026-01-01T00:00:00.000Z',
        },
      };
    case 'input':
      return { stream: `run-${provenanceRunId(s.run)}`, type: 'InputDeclared', data: { path: 'data', dataset: NAMES[s.name], version: ref(s.content) } };
    case 'dataset':
      return {
        stream: `dataset-${versionStreamId(s.project, NAMES[s.name]!)}`,
        type: 'DatasetVersionCreated',
        data: {
          name: NAMES[s.name],
          ...(s.project === undefined ? {} : { project: s.project }),
          version: s.version,
          ref: ref(s.content),
          bytes: 10,
          files: 1,
          ...(s.producedBy === null ? {} : { producedBy: provenanceRunId(s.producedBy) }),
          ...numberingOf(s.numbering),
        },
      };
    case 'model':
      return {
        stream: `model-${NAMES[s.name]}`,
        type: 'ModelVersionCreated',
        data: {
          name: NAMES[s.name],
          version: s.version,
          ref: ref(s.content),
          producedBy: provenanceRunId(s.producedBy),
          metrics: { acc: 0.9 },
          ...numberingOf(s.numbering),
        },
      };
    case 'alias':
      return s.version === null
        ? { stream: `model-${NAMES[s.name]}`, type: 'ModelAliasRemoved', data: { name: NAMES[s.name], alias: s.alias } }
        : { stream: `model-${NAMES[s.name]}`, type: 'ModelAliasSet', data: { name: NAMES[s.name], alias: s.alias, version: s.version } };
    case 'tag':
      return { stream: `model-${NAMES[s.name]}`, type: 'ModelVersionTagged', data: { name: NAMES[s.name], version: s.version, key: 'stage', value: s.value } };
    case 'describe':
      return {
        stream: `model-${NAMES[s.name]}`,
        type: 'ModelDescribed',
        data: { name: NAMES[s.name], ...(s.version === null ? {} : { version: s.version }), description: s.text },
      };
    case 'run': {
      const data =
        s.type === 'RunPublished'
          ? { endedAt: '2026-01-01T00:01:00.000Z', headHash: 'x' }
          : s.type === 'RunErrored'
            ? { message: 'boom' }
            : { description: 'd' };
      return { stream: `run-${provenanceRunId(s.run)}`, type: s.type, data };
    }
  }
}

/** The events of generated steps, each checked against the catalogue (the projections take any order of them, as a merged log may hold). */
export function provenanceEvents(steps: readonly Step[]): Event[] {
  return steps.map(eventOf).map((e) => ({ ...e, data: eventSchemas[e.type].parse(e.data) }));
}

export async function appendProvenance(store: InMemoryEventStore, events: readonly Event[]): Promise<void> {
  for (const e of events) await store.append(e.stream, [{ id: randomUUID(), type: e.type, schemaVersion: 1, data: e.data as JsonValue, meta: {} }]);
}

/** What a user may name as a lineage node in these histories. */
export const LINEAGE_REFS = [
  ...NAMES,
  ...NAMES.map((n) => `${n}@1`),
  ...NAMES.map((n) => `${n}@2`),
  provenanceRunId(0),
  provenanceRunId(1),
  'user:ada',
  'nothing',
];

/** A projection's state replayed over the whole store: what the read model must answer. */
export async function projected<S>(store: InMemoryEventStore, projection: Projection<S>): Promise<S> {
  const apply = eventApplier(projection);
  let state = structuredClone(projection.initial);
  for await (const e of store.readAll()) state = apply(state, e);
  return state;
}

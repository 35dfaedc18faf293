import { createHash, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { eventSchemas, eventTypes, type EventType } from '@dotscience/core';
import { AT, runStartedData } from '../packages/adapters-http/test/run-events.js';

/**
 * What an attacker holding an ordinary write token sends the hub's append endpoint: for each
 * type of the catalogue, one event that the gate admits (the base) and poison made from it —
 * data the type's schema refuses, a schema version without upcasters, a type the catalogue
 * lacks, and valid data where the stream's rules forbid it (after a seal, twice, out of order,
 * in the wrong stream, numbered wrongly, sealing the wrong head).
 */

export { AT, runStartedData };

export interface AttackEvent {
  id: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  meta: Record<string, never>;
}

/** One append: events for a stream, at an expected revision or none. */
export interface Attack {
  /** The kind of poison, for the figures (shape, schema version, unknown type, or a rule's name). */
  kind: string;
  /** The catalogue type the poison was made from. */
  type: EventType;
  stream: string;
  events: AttackEvent[];
  expectedRevision?: number;
  /** The rule the refusal must name (422 APPEND_REFUSED), or 'schema' for a refusal of the event's form (400 or 422). */
  refusedAs: 'schema' | 'rule';
}

/** The project's streams the attacks aim at, as the hub holds them when the attack starts. */
export interface AttackTargets {
  project: string;
  /** A started run holding depth=3, metric loss at step 5, model "net" declared. */
  open: { runId: string; revision: number; head: string };
  /** A published run (its seal is its last event). */
  published: { runId: string; revision: number; head: string };
  /** dataset-<name> and model-<name>, each holding version 1 of `versionOne`. */
  dataset: string;
  model: string;
  versionOne: ReturnType<typeof versionRef>;
}

export const event = (type: string, data: unknown, schemaVersion = 1): AttackEvent => ({ id: randomUUID(), type, schemaVersion, data, meta: {} });

export function versionRef(content: string) {
  return { store: 'fs', digest: `sha256:${createHash('sha256').update(content).digest('hex')}`, kind: 'file' as const, bytes: content.length, files: 1 };
}

/**
 * Data of each catalogue type that the gate admits on the stream `streamFor` names. A new
 * type in the catalogue fails to compile here until it has one (so the campaign covers it).
 * `head`: the hash a RunPublished on that stream must seal.
 */
export const validData: Record<EventType, (t: AttackTargets, at: { runId: string; projectId: string; head: string; nonce: string }) => unknown> = {
  ProjectCreated: (_t, at) => ({ id: at.projectId, name: 'attacked' }),
  RunStarted: (t, at) => runStartedData(at.runId, t.project),
  RunDescribed: (_t, at) => ({ description: `described ${at.nonce}` }),
  InputDeclared: (_t, at) => ({ path: `data/in-${at.nonce}.csv`, dataset: 'raw', version: versionRef(`in ${at.nonce}`) }),
  OutputDeclared: (_t, at) => ({ path: `data/out-${at.nonce}.csv`, dataset: 'out', version: versionRef(`out ${at.nonce}`) }),
  ParameterRecorded: (_t, at) => ({ name: `p-${at.nonce}`, value: 0.1 }),
  MetricRecorded: () => ({ name: 'loss', value: 0.5, step: 6, at: AT }),
  MetricsRecorded: () => ({ series: [{ name: 'loss', values: [0.4, 0.3], steps: [7, 8], at: { start: AT, deltasMs: [0, 5] } }] }),
  SummaryRecorded: (_t, at) => ({ name: `s-${at.nonce}`, value: 0.9 }),
  LabelAdded: (_t, at) => ({ name: `l-${at.nonce}`, value: 'x' }),
  ModelDeclared: (_t, at) => ({ name: `net-${at.nonce}`, path: 'model.bin', version: versionRef(`model ${at.nonce}`) }),
  RunErrored: () => ({ message: 'boom' }),
  RunPublished: (_t, at) => ({ endedAt: AT, headHash: at.head }),
  RunAbandoned: () => ({ reason: 'the writer is gone', at: AT }),
  DatasetVersionCreated: (t, at) => ({ name: t.dataset, version: 2, ref: versionRef(`dataset ${at.nonce}`), bytes: 9, files: 1 }),
  ModelVersionCreated: (t, at) => ({ name: t.model, version: 2, ref: versionRef(`model version ${at.nonce}`), producedBy: t.open.runId, metrics: {} }),
  ModelAliasSet: (t) => ({ name: t.model, alias: 'champion', version: 1 }),
  ModelAliasRemoved: (t) => ({ name: t.model, alias: 'champion' }),
  ModelVersionTagged: (t, at) => ({ name: t.model, version: 1, key: 'stage', value: at.nonce }),
  ModelDescribed: (t, at) => ({ name: t.model, description: `described ${at.nonce}` }),
  RunTagged: (_t, at) => ({ runId: at.runId, key: 'team', value: at.nonce }),
  RunNoted: (_t, at) => ({ runId: at.runId, note: `note ${at.nonce}` }),
  RunArchived: (_t, at) => ({ runId: at.runId }),
  RunRestored: (_t, at) => ({ runId: at.runId }),
  RunDeleted: (_t, at) => ({ runId: at.runId, reason: `deleted ${at.nonce}` }),
};

/** Types recorded after the fact: on the model stream (registry) or the run's runmeta stream. */
const registryTypes: EventType[] = ['ModelAliasSet', 'ModelAliasRemoved', 'ModelVersionTagged', 'ModelDescribed'];
const runMetaTypes: EventType[] = ['RunTagged', 'RunNoted', 'RunArchived', 'RunRestored', 'RunDeleted'];

const runTypes = eventTypes.filter((t) => !['ProjectCreated', 'DatasetVersionCreated', 'ModelVersionCreated', ...registryTypes, ...runMetaTypes].includes(t));

/** The live stream where `type`'s base event is admitted now (a fresh one for creations), and its base event. */
export function baseAttack(type: EventType, t: AttackTargets): Pick<Attack, 'stream' | 'expectedRevision'> & { event: AttackEvent } {
  const nonce = randomUUID().slice(0, 8);
  const fresh = randomUUID();
  const at = { runId: t.open.runId, projectId: fresh, head: t.open.head, nonce };
  if (type === 'ProjectCreated') return { stream: `project-${fresh}`, event: event(type, validData[type](t, at)) };
  if (type === 'RunStarted') return { stream: `run-${fresh}`, event: event(type, validData[type](t, { ...at, runId: fresh })) };
  if (type === 'DatasetVersionCreated') return { stream: `dataset-${t.dataset}`, expectedRevision: 0, event: event(type, validData[type](t, at)) };
  if (type === 'ModelVersionCreated') return { stream: `model-${t.model}`, expectedRevision: 0, event: event(type, validData[type](t, at)) };
  if (registryTypes.includes(type)) return { stream: `model-${t.model}`, event: event(type, validData[type](t, at)) };
  if (runMetaTypes.includes(type)) return { stream: `runmeta-${t.open.runId}`, event: event(type, validData[type](t, at)) };
  return { stream: `run-${t.open.runId}`, expectedRevision: t.open.revision, event: event(type, validData[type](t, at)) };
}

const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.string(),
  fc.constant([] as unknown[]),
  fc.constant({}),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.constant('x'.repeat(2000)),
);

/** Every path to a value inside `data` (objects and arrays), the root excluded. */
function pathsOf(data: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (typeof data !== 'object' || data === null) return [];
  const entries: Array<[string | number, unknown]> = Array.isArray(data) ? data.map((v, i) => [i, v]) : Object.entries(data);
  return entries.flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
}

/** `data` with the value at `path` replaced (undefined: removed). */
function replacedAt(data: unknown, path: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(data) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined && !Array.isArray(at)) delete at[last];
  else at[last] = value;
  return copy;
}

/** As the hub receives it: through JSON. */
const overTheWire = (data: unknown): unknown => (data === undefined ? undefined : JSON.parse(JSON.stringify(data)));

/** Data of `type` its catalogue schema refuses: a value anywhere inside replaced or removed, or the whole of it not an object. */
export function wrongShape(type: EventType, base: unknown): fc.Arbitrary<unknown> {
  const paths = pathsOf(base);
  const inside = fc.tuple(fc.constantFrom(...paths), wrongValue).map(([path, value]) => replacedAt(base, path, value));
  const whole = fc.oneof(fc.constant(null), fc.string(), fc.integer(), fc.array(fc.anything(), { maxLength: 3 }), fc.constant({}));
  return fc.oneof({ arbitrary: inside, weight: 4 }, { arbitrary: whole, weight: 1 }).filter((data) => !eventSchemas[type].safeParse(overTheWire(data)).success);
}

const unknownTypeName = (type: EventType): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.constantFrom(
        type.toLowerCase(),
        type.toUpperCase(),
        `${type}V2`,
        ` ${type}`,
        `${type} `,
        `${type}\u0000`,
        `${type.slice(0, -1)}`,
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
        '',
      ),
      fc.string({ minLength: 1, maxLength: 40 }),
    )
    .filter((name) => !(eventTypes as string[]).includes(name));

const notCurrentVersion = fc.oneof(fc.integer({ min: 2, max: 1_000_000 }), fc.integer({ min: -1000, max: 0 }), fc.constantFrom(1.5, Number.MAX_SAFE_INTEGER));

/** Valid data aimed where the stream's rules forbid it. Each names a rule of the stream, not of the event's form. */
function outOfOrder(type: EventType, t: AttackTargets): Array<fc.Arbitrary<Attack>> {
  const open = `run-${t.open.runId}`;
  const sealed = `run-${t.published.runId}`;
  const at = (runId: string, head: string) => ({ runId, projectId: t.project, head, nonce: randomUUID().slice(0, 8) });
  const attack = (kind: string, stream: string, events: AttackEvent[], expectedRevision?: number): Attack => ({
    kind,
    type,
    stream,
    events,
    refusedAs: 'rule',
    ...(expectedRevision === undefined ? {} : { expectedRevision }),
  });
  const arbitraries: Array<fc.Arbitrary<Attack>> = [];
  const runType = runTypes.includes(type);
  if (runType) {
    // Any event after the seal: with the right expected revision, or none.
    arbitraries.push(
      fc
        .boolean()
        .map((pinned) =>
          attack(
            'after the seal',
            sealed,
            [event(type, validData[type](t, at(t.published.runId, t.published.head)))],
            pinned ? t.published.revision : undefined,
          ),
        ),
    );
    if (type !== 'RunStarted') {
      arbitraries.push(fc.uuid().map((id) => attack('before RunStarted', `run-${id}`, [event(type, validData[type](t, at(id, '0'.repeat(64))))])));
    }
    // In a dataset or model stream.
    arbitraries.push(
      fc
        .constantFrom(`dataset-${t.dataset}`, `model-${t.model}`)
        .map((stream) => attack('in the wrong stream', stream, [event(type, validData[type](t, at(t.open.runId, t.open.head)))], 0)),
    );
  } else {
    arbitraries.push(
      fc.constant(
        attack(
          'in the wrong stream',
          open,
          [event(type, { ...(validData[type](t, at(t.open.runId, t.open.head)) as object), ...(type === 'ProjectCreated' ? { id: t.open.runId } : {}) })],
          t.open.revision,
        ),
      ),
    );
  }
  const data = (overrides: Record<string, unknown>) => ({ ...(validData[type](t, at(t.open.runId, t.open.head)) as object), ...overrides });
  switch (type) {
    case 'RunStarted':
      arbitraries.push(fc.constant(attack('RunStarted twice', open, [event(type, runStartedData(t.open.runId, t.project))], t.open.revision)));
      arbitraries.push(
        fc
          .tuple(fc.uuid(), fc.uuid())
          .map(([stream, named]) => attack('RunStarted naming another run', `run-${stream}`, [event(type, runStartedData(named, t.project))])),
      );
      break;
    case 'ParameterRecorded':
      arbitraries.push(
        fc
          .oneof(fc.integer(), fc.string(), fc.boolean())
          .filter((v) => v !== 3)
          .map((value) => attack('parameter overwritten', open, [event(type, { name: 'depth', value })], t.open.revision)),
      );
      break;
    case 'MetricRecorded':
      arbitraries.push(fc.nat(4).map((step) => attack('metric step going back', open, [event(type, data({ step }))], t.open.revision)));
      break;
    case 'MetricsRecorded':
      arbitraries.push(
        fc
          .array(fc.nat(20), { minLength: 2, maxLength: 8 })
          .filter((steps) => [5, ...steps].some((s, i, all) => i > 0 && s < all[i - 1]!))
          .map((steps) =>
            attack(
              'metric step going back',
              open,
              [event(type, { series: [{ name: 'loss', values: steps.map(() => 0.1), steps, at: { start: AT, deltasMs: steps.map(() => 1) } }] })],
              t.open.revision,
            ),
          ),
      );
      break;
    case 'ModelDeclared':
      arbitraries.push(
        fc
          .string({ minLength: 1, maxLength: 20 })
          .filter((p) => p !== 'model/net.bin')
          .map((path) => attack('model declared again elsewhere', open, [event(type, { name: 'net', path })], t.open.revision)),
      );
      break;
    case 'RunPublished':
      arbitraries.push(
        fc
          .stringMatching(/^[0-9a-f]{64}$/)
          .filter((h) => h !== t.open.head)
          .map((headHash) => attack('seal of the wrong head', open, [event(type, { endedAt: AT, headHash })], t.open.revision)),
      );
      break;
    case 'DatasetVersionCreated':
    case 'ModelVersionCreated': {
      const stream = type === 'DatasetVersionCreated' ? `dataset-${t.dataset}` : `model-${t.model}`;
      arbitraries.push(
        fc
          .oneof(fc.integer({ min: 3, max: 1_000_000 }), fc.constant(1))
          .map((version) => attack('version number skipped or reused', stream, [event(type, data({ version }))], 0)),
      );
      arbitraries.push(fc.constant(attack('version of unchanged content', stream, [event(type, data({ ref: t.versionOne }))], 0)));
      arbitraries.push(fc.uuid().map((runId) => attack('produced by an unknown run', stream, [event(type, data({ producedBy: runId }))], 0)));
      break;
    }
    case 'ModelAliasSet':
    case 'ModelVersionTagged':
      arbitraries.push(
        fc
          .integer({ min: 3, max: 1_000_000 })
          .map((version) => attack('registry naming a version the model lacks', `model-${t.model}`, [event(type, data({ version }))])),
      );
      break;
    case 'RunTagged':
    case 'RunNoted':
    case 'RunArchived':
    case 'RunRestored':
    case 'RunDeleted':
      arbitraries.push(fc.uuid().map((runId) => attack('runmeta of a run the store lacks', `runmeta-${runId}`, [event(type, data({ runId }))])));
      break;
    case 'ProjectCreated':
      arbitraries.push(fc.constant(attack('ProjectCreated twice', `project-${t.project}`, [event(type, { id: t.project, name: 'again' })], 0)));
      arbitraries.push(
        fc.uuid().map((id) => attack('ProjectCreated naming another project', `project-${id}`, [event(type, { id: t.project, name: 'other' })])),
      );
      break;
    default:
      break;
  }
  return arbitraries;
}

/**
 * Every family of poison made from `type`, each an arbitrary of one kind: wrong shapes,
 * schema versions, type names, each way its valid data can be out of order; for run events,
 * also behind a valid event of the same append (nothing of which may be written).
 */
export function poisonsOf(type: EventType, t: AttackTargets): Array<fc.Arbitrary<Attack>> {
  const base = baseAttack(type, t);
  const form = (kind: string, e: Partial<AttackEvent>): Attack => ({
    kind,
    type,
    stream: base.stream,
    events: [{ ...base.event, id: randomUUID(), ...e }],
    refusedAs: 'schema',
    ...(base.expectedRevision === undefined ? {} : { expectedRevision: base.expectedRevision }),
  });
  const forms = [
    wrongShape(type, base.event.data).map((data) => form('data of the wrong shape', { data })),
    notCurrentVersion.map((schemaVersion) => form('schemaVersion not 1', { schemaVersion })),
    unknownTypeName(type).map((name) => form('type not in the catalogue', { type: name })),
  ];
  const families = [...forms, ...outOfOrder(type, t)];
  if (!runTypes.includes(type) || type === 'RunStarted') return families;
  const behindValid = (a: Attack): Attack => ({
    ...a,
    kind: `${a.kind}, behind a valid event`,
    events: [event('ParameterRecorded', { name: `p-${randomUUID().slice(0, 8)}`, value: 1 }), ...a.events],
  });
  return [...families, fc.oneof(...forms).map(behindValid)];
}

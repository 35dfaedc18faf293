import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventSchemas, eventTypes, type EventType } from '../../../src/index.js';
import { eventDataChecker } from '../../../src/events/fast/event-data.js';
import { started } from '../../run/run-fixtures.js';

const AT = '2026-12-07T10:00:00.000Z';

const checkers = new Map(eventTypes.map((type) => [type, eventDataChecker(eventSchemas[type])]));
/** The fast path's answer for `type`, undefined when it leaves the verdict to zod. */
const plainlyValidEventData = (type: EventType, data: unknown): unknown => checkers.get(type)?.(data);
const DIGEST = `sha256:${'ab'.repeat(32)}`;
const REF = { store: 'fs', digest: DIGEST, kind: 'file', bytes: 12, files: 1 };
const UUID = '0b6f1e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b';

/** Valid data for every type the catalogue has, each optional part present in one sample or another. */
const samples: Array<[EventType, Record<string, unknown>]> = [
  ['ProjectCreated', { id: 'churn', name: 'Churn' }],
  ['RunStarted', started.data as Record<string, unknown>],
  [
    'RunStarted',
    {
      startedAt: AT,
      rerunOf: 'r0',
      environment: {
        user: 'grace',
        host: 'lab',
        os: 'linux',
        runtime: 'node 22',
        packages: { zod: '4.6.7', '0': 'index key' },
        interpreter: { language: 'python', path: '/usr/bin/python3', version: '3.12.1' },
        machine: { cpu: 'x86', cores: 2, memoryBytes: 4096, gpus: ['a100'] },
        variables: { CUDA: '0' },
        manifests: [{ path: '/p/requirements.txt', version: REF }],
      },
      codeVersion: {
        gitCommit: 'abc',
        gitBranch: 'main',
        gitAuthor: 'Ada <ada@lab>',
        dirty: true,
        diffDigest: DIGEST,
        patch: REF,
        omittedUntracked: { files: 1, bytes: 9, listed: [{ path: 'big.bin', bytes: 9, reason: 'file-limit' }] },
        scriptDigest: DIGEST,
        notebook: { ...REF, digest: undefined, snapshotId: 'tank@1' },
        snapshot: { directory: '/p', files: { ...REF, kind: 'directory' }, script: 'train.py' },
      },
      workload: { command: ['python', 'train.py'], cwd: '/p', workloadId: 'w1', cell: 3, recordedBy: 'ds-run', notebook: 'n.ipynb' },
      mode: 'interactive',
      projectId: 'default',
      runId: 'r2',
    },
  ],
  ['RunDescribed', { description: 'depth 3' }],
  ['InputDeclared', { path: 'data/train.csv', dataset: 'train', version: REF }],
  ['OutputDeclared', { path: 'out', dataset: 'features', version: REF, changedAfterPublish: { modifiedAt: AT, publishedAt: AT } }],
  ['ParameterRecorded', { name: 'depth', value: { nested: [1, 'two', null] } }],
  ['MetricRecorded', { name: 'loss', value: 0.5, step: 2, at: AT }],
  ['SummaryRecorded', { name: 'best', value: 0.9 }],
  ['LabelAdded', { name: 'team', value: 'vision' }],
  ['ModelDeclared', { name: 'm', path: 'm.pkl', framework: 'sklearn', version: REF, extra: { a: [1] } }],
  ['RunErrored', { message: 'boom', detail: { code: 1 } }],
  ['RunPublished', { endedAt: AT, headHash: 'h', missing: [{ path: 'x', declaredAs: 'input', reason: 'gone' }] }],
  [
    'DatasetVersionCreated',
    { name: 'features', version: 3, ref: REF, bytes: 12, files: 1, producedBy: 'r1', path: 'out', numbering: { by: 'hub', settles: UUID }, project: 'churn' },
  ],
  ['ModelVersionCreated', { name: 'm', version: 1, ref: REF, producedBy: 'r1', metrics: { loss: 0.1 }, extra: { e: true }, numbering: { by: 'local' } }],
  ['RunAbandoned', { reason: 'process gone', at: AT, pid: 42 }],
  ['ModelAliasSet', { name: 'm', alias: 'prod', version: 1, versionIdentity: 'id', project: 'churn' }],
  ['ModelAliasRemoved', { name: 'm', alias: 'prod' }],
  ['ModelVersionTagged', { name: 'm', version: 1, key: 'stage', value: null }],
  ['ModelDescribed', { name: 'm', description: 'a tree' }],
  ['RunTagged', { runId: 'r1', key: 'k', value: 'v' }],
  ['RunNoted', { runId: 'r1', note: 'n' }],
  ['RunArchived', { runId: 'r1' }],
  ['RunRestored', { runId: 'r1' }],
  ['RunDeleted', { runId: 'r1', reason: 'test' }],
];
const validSamples = samples.map(([type, data]): [EventType, unknown] => [type, JSON.parse(JSON.stringify(data))]);

/** Values that sit on the edges of the catalogue's rules. */
const edgeValue = fc.constantFrom<unknown>(
  undefined,
  null,
  '',
  'x',
  'default',
  'a'.repeat(1025),
  '😀'.repeat(600), // 1,200 UTF-16 units, 600 code points
  '😀',
  '\ud800',
  'bad project!',
  AT,
  '2026-12-07T10:00:00Z',
  DIGEST,
  `sha256:${'AB'.repeat(32)}`,
  UUID,
  'script',
  'hub',
  'file-limit',
  0,
  -0,
  -1,
  1,
  1.5,
  2 ** 53,
  Number.NaN,
  Infinity,
  true,
  [],
  ['x'],
  [1, 'x'],
  {},
  { a: 1 },
  REF,
  Object.create(null) as object,
  new Date(0),
  new Map(),
);

/** A copy of `data` changed at one place: a value replaced, a key dropped or added. */
function mutated(data: unknown, path: readonly number[], change: 'replace' | 'drop' | 'add', value: unknown): unknown {
  if (typeof data !== 'object' || data === null || path.length === 0) return change === 'replace' ? value : data;
  const copy = (Array.isArray(data) ? [...(data as unknown[])] : { ...(data as Record<string, unknown>) }) as Record<string, unknown>;
  const keys = Object.keys(copy);
  if (keys.length === 0 || path.length === 1) {
    if (change === 'add') copy[keys.length % 2 === 0 ? 'extra' : (keys[0] ?? 'k')] = value;
    else if (keys.length > 0 && change === 'drop') delete copy[keys[path[0]! % keys.length]!];
    else if (keys.length > 0) copy[keys[path[0]! % keys.length]!] = value;
    return copy;
  }
  const key = keys[path[0]! % keys.length]!;
  copy[key] = mutated(copy[key], path.slice(1), change, value);
  return copy;
}

/** The fast path's answer, which must be zod's output exactly (values, key order) whenever it answers, and must answer nothing zod refuses. */
function expectSameAsZod(type: EventType, data: unknown): unknown {
  const fast = plainlyValidEventData(type, data);
  if (fast === undefined) return undefined;
  const zod = eventSchemas[type].safeParse(data);
  expect(zod.success, `zod refuses what the fast path accepted: ${type} ${JSON.stringify(data)}`).toBe(true);
  expect(fast).toStrictEqual(zod.data);
  expect(JSON.stringify(fast)).toBe(JSON.stringify(zod.data));
  return fast;
}

describe("event data checked by a checker built from its schema (fast/event-data.ts), against zod's parse", () => {
  it('given valid data of each type, when checked, then it answers (except for the metric batch, left to zod) with a copy equal to zod’s, keys in the schema’s order', () => {
    for (const [type, data] of validSamples) {
      const fast = expectSameAsZod(type, data);
      if (type === 'MetricsRecorded') continue;
      expect(fast, type).not.toBeUndefined();
      expect(fast).not.toBe(data);
    }
    // The batch's own rules (a refinement of the whole object) are zod's: no checker.
    expect(checkers.get('MetricsRecorded')).toBeUndefined();
    expect([...checkers.values()].filter((c) => c !== undefined).length).toBe(eventTypes.length - 1);
  });

  it('given valid data changed at one place (a value on the edge of a rule, a key dropped or added), when checked, then it answers only as zod does', () => {
    let answered = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...validSamples),
        fc.array(fc.nat(40), { minLength: 1, maxLength: 4 }),
        fc.constantFrom('replace' as const, 'drop' as const, 'add' as const),
        edgeValue,
        ([type, data], path, change, value) => {
          const input = mutated(data, path, change, value);
          const fast = expectSameAsZod(type, input);
          if (fast !== undefined) answered++;
          else if (!eventSchemas[type].safeParse(input).success) refused++;
        },
      ),
      { numRuns: 4000 },
    );
    expect(answered).toBeGreaterThan(500);
    expect(refused).toBeGreaterThan(500);
  });

  it('given any JSON value as the data of any type, when checked, then it answers only as zod does', () => {
    fc.assert(
      fc.property(fc.constantFrom(...eventTypes), fc.jsonValue({ maxDepth: 3 }), (type, data) => {
        expectSameAsZod(type, data);
      }),
      { numRuns: 2000 },
    );
  });

  it('given the keys of valid data in another order, when checked, then the copy holds them in the schema’s order', () => {
    for (const [type, data] of validSamples) {
      const reversed = Object.fromEntries(Object.entries(data as Record<string, unknown>).reverse());
      expect(Object.keys(expectSameAsZod(type, reversed) ?? eventSchemas[type].parse(reversed))).toEqual(Object.keys(eventSchemas[type].parse(data) as object));
    }
  });

  it('given data it is not sure of, when checked, then it leaves the verdict to zod (undefined)', () => {
    const run = validSamples[1]![1] as Record<string, unknown>;
    const unsure: unknown[] = [
      { ...run, extra: 1 }, // zod strips unknown keys
      { ...run, rerunOf: undefined }, // zod keeps a key set to undefined
      JSON.parse(`{"runId":"r1","__proto__":{}}`),
      Object.assign(Object.create({ inherited: 1 }) as object, run),
      { ...run, environment: { ...(run.environment as object), packages: JSON.parse('{"__proto__":"x"}') as object } },
    ];
    for (const data of unsure) expect(plainlyValidEventData('RunStarted', data), JSON.stringify(data)).toBeUndefined();
  });
});

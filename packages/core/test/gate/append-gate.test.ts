import { describe, expect, it } from 'vitest';
import { AppendRefusedError, eventTypes, InvalidInputError, type DomainEvent, type EventType } from '../../src/index.js';
import { TEST_RUN_ID } from '../../src/testing/index.js';
import { T1, metric, metricBatch, ref, started } from '../run/run-fixtures.js';
import { gatedStore, headOf, proposed } from './gate-fixture.js';

const RUN = `run-${TEST_RUN_ID}`;
const parameter = (name: string, value: number): DomainEvent => ({ type: 'ParameterRecorded', data: { name, value } });
const sealOf = (headHash: string): DomainEvent => ({ type: 'RunPublished', data: { endedAt: T1, headHash } });

/** given: the run stream holds `history` (appended through the gate); when: `events` are appended; then: what the gate answers. */
async function given(...history: DomainEvent[]) {
  const { gated, store } = gatedStore();
  if (history.length > 0)
    await gated.append(
      RUN,
      history.map((e) => proposed(e)),
    );
  return {
    gated,
    store,
    async whenAppended(...events: DomainEvent[]) {
      return gated
        .append(
          RUN,
          events.map((e) => proposed(e)),
        )
        .then(
          () => undefined,
          (error: unknown) => error,
        );
    },
  };
}

async function refusal(pending: Promise<unknown>): Promise<AppendRefusedError> {
  const error = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the append should have been refused').toBeInstanceOf(AppendRefusedError);
  return error as AppendRefusedError;
}

/** A data payload no schema of the catalogue accepts for `type`. */
const garbage = (type: EventType): unknown => (type === 'MetricsRecorded' ? { series: 'garbage' } : { garbage: true });

describe('the append gate: the catalogue', () => {
  it.each(eventTypes)(
    'given any stream, when a %s whose data breaks its schema is appended, then it is refused naming the event and nothing is written',
    async (type) => {
      const streams: Record<string, string> = { ProjectCreated: 'project-p', DatasetVersionCreated: 'dataset-d', ModelVersionCreated: 'model-m' };
      const stream = streams[type] ?? RUN;
      const { gated, store } = gatedStore();
      if (stream === RUN && type !== 'RunStarted') await gated.append(RUN, [proposed(started)]);
      const before = await headOf(store, stream);
      const poison = proposed({ type, data: garbage(type) });
      const error = await refusal(gated.append(stream, [poison]));
      expect(error).toMatchObject({ stream, index: 0, eventId: poison.id, eventType: type, rule: 'INVALID_EVENT_DATA' });
      expect(error.message).toMatch(new RegExp(`event 0 \\(${type} ${poison.id}\\) appended to stream ${stream} breaks rule INVALID_EVENT_DATA: .*data\\.`));
      expect(await headOf(store, stream)).toBe(before);
    },
  );

  it('refuses the poison event of finding 1 ({"series":"garbage"}) and keeps the good events before it in the batch out too', async () => {
    const { whenAppended, store } = await given(started);
    const error = (await whenAppended(metric('loss', 1, 0), { type: 'MetricsRecorded', data: { series: 'garbage' } } as never)) as AppendRefusedError;
    expect(error).toBeInstanceOf(AppendRefusedError);
    expect(error).toMatchObject({ index: 1, eventType: 'MetricsRecorded', rule: 'INVALID_EVENT_DATA' });
    let count = 0;
    for await (const _ of store.readStream(RUN)) count++;
    expect(count).toBe(1);
  });

  it('refuses types the catalogue lacks, schema versions without upcasters, and streams of no known category', async () => {
    const { gated } = await given(started);
    expect(await refusal(gated.append(RUN, [proposed({ type: 'Probe', data: {} })]))).toMatchObject({ rule: 'UNKNOWN_EVENT_TYPE' });
    expect(await refusal(gated.append(RUN, [proposed(metric('loss', 1), 7)]))).toMatchObject({ rule: 'UNKNOWN_EVENT_VERSION' });
    expect(await refusal(gated.append('misc-1', [proposed(started)]))).toMatchObject({ rule: 'UNKNOWN_STREAM_CATEGORY' });
  });

  it('names an event that is not an event envelope as every store does', async () => {
    const { gated } = await given(started);
    await expect(gated.append(RUN, [{ ...proposed(metric('loss', 1)), id: 'not-a-uuid' }])).rejects.toThrow(InvalidInputError);
  });
});

describe('the append gate: the run lifecycle (the decider’s rules)', () => {
  it('given a published run, when a parameter is appended after the seal (finding 2), then it is refused', async () => {
    const { gated, store } = await given(started, parameter('depth', 3));
    await gated.append(RUN, [proposed(sealOf(await headOf(store, RUN)))]);
    const error = await refusal(gated.append(RUN, [proposed(parameter('depth', 42))], { expectedRevision: 2 }));
    expect(error).toMatchObject({ index: 0, eventType: 'ParameterRecorded', rule: 'RUN_ALREADY_PUBLISHED' });
    expect(error.message).toMatch(/after the run was published/);
  });

  it('given a published run, when any run event is appended, then it is refused', async () => {
    const { gated, store } = await given(started);
    await gated.append(RUN, [proposed(sealOf(await headOf(store, RUN)))]);
    for (const event of [metric('loss', 1, 5), { type: 'LabelAdded', data: { name: 'a', value: 'b' } }, sealOf(await headOf(store, RUN))] as DomainEvent[]) {
      expect(await refusal(gated.append(RUN, [proposed(event)]))).toMatchObject({ rule: 'RUN_ALREADY_PUBLISHED' });
    }
  });

  it('given a parameter, when it is appended again with another value, then it is refused; with the same value it is accepted', async () => {
    const { whenAppended } = await given(started, parameter('depth', 3));
    expect(await whenAppended(parameter('depth', 42))).toMatchObject({ rule: 'PARAMETER_CONFLICT' });
    expect(await whenAppended(parameter('depth', 3))).toBeUndefined();
  });

  it('given a metric at step 5, when a point at step 4 is appended (alone or in a batch), then it is refused', async () => {
    const { whenAppended } = await given(started, metric('loss', 1, 5));
    expect(await whenAppended(metric('loss', 1, 4))).toMatchObject({ rule: 'METRIC_STEP_OUT_OF_ORDER' });
    expect(await whenAppended(metricBatch('loss', [1, 2], [6, 4]))).toMatchObject({ rule: 'METRIC_STEP_OUT_OF_ORDER' });
    expect(await whenAppended(metric('loss', 1, 5), metricBatch('loss', [1, 2], [6, 7]))).toBeUndefined();
  });

  it('RunStarted comes first and once, names the stream’s run, and a seal must be the hash before it', async () => {
    const empty = await given();
    expect(await empty.whenAppended(metric('loss', 1))).toMatchObject({ rule: 'RUN_NOT_STARTED' });
    expect(await empty.whenAppended({ ...started, data: { ...started.data, runId: 'someone-else' } } as DomainEvent)).toMatchObject({
      rule: 'RUN_ID_MISMATCH',
    });
    const running = await given(started);
    expect(await running.whenAppended(started)).toMatchObject({ rule: 'RUN_ALREADY_STARTED' });
    expect(await running.whenAppended(sealOf('b'.repeat(64)))).toMatchObject({ rule: 'SEAL_MISMATCH' });
    expect(await running.whenAppended({ type: 'DatasetVersionCreated', data: { name: 'd', version: 1, ref: ref(1), bytes: 1, files: 1 } })).toMatchObject({
      rule: 'EVENT_NOT_IN_STREAM',
    });
  });

  it('a seal in the same append as the events it seals is checked against the hash the last of them gets', async () => {
    const { gated, store } = await given(started);
    // The SDK's seal: the hash the event before RunPublished will have (chainEvents), known before the append.
    const { chainEvents } = await import('../../src/store-kit.js');
    const label = proposed({ type: 'LabelAdded', data: { name: 'stage', value: 'final' } });
    const [sealed] = chainEvents(RUN, 0, await headOf(store, RUN), [label]);
    const { events } = await gated.append(RUN, [label, proposed(sealOf(sealed!.hash))]);
    expect(events.map((e) => [e.type, e.prevHash])).toEqual([
      ['LabelAdded', await headOf(store, RUN).then(() => events[0]!.prevHash)],
      ['RunPublished', sealed!.hash],
    ]);
    const wrong = proposed({ type: 'LabelAdded', data: { name: 'stage', value: 'other' } });
    const empty = await given(started);
    expect(await refusal(empty.gated.append(RUN, [wrong, proposed(sealOf(sealed!.hash))]))).toMatchObject({ index: 1, rule: 'SEAL_MISMATCH' });
  });

  it('an exact retry of an append already recorded is answered as the store answers it, not refused', async () => {
    const { gated } = await given();
    const start = proposed(started);
    const first = await gated.append(RUN, [start], { expectedRevision: 'no_stream' });
    await expect(gated.append(RUN, [start], { expectedRevision: 'no_stream' })).resolves.toEqual(first);
  });
});

describe('the append gate: dataset, model and project streams', () => {
  const datasetVersion = (version: number, content: number, producedBy?: string): DomainEvent => ({
    type: 'DatasetVersionCreated',
    data: { name: 'iris', version, ref: ref(content), bytes: content, files: 1, ...(producedBy === undefined ? {} : { producedBy }) },
  });

  it('numbers versions as the SDK does: the latest + 1, for content that is not the latest', async () => {
    const { gated } = gatedStore();
    await gated.append('dataset-iris', [proposed(datasetVersion(1, 1))]);
    expect(await refusal(gated.append('dataset-iris', [proposed(datasetVersion(3, 2))]))).toMatchObject({ rule: 'VERSION_NUMBER' });
    expect(await refusal(gated.append('dataset-iris', [proposed(datasetVersion(1, 2))]))).toMatchObject({ rule: 'VERSION_NUMBER' });
    expect(await refusal(gated.append('dataset-iris', [proposed(datasetVersion(2, 1))]))).toMatchObject({ rule: 'VERSION_UNCHANGED' });
    await gated.append('dataset-iris', [proposed(datasetVersion(2, 2))]);
    expect(await refusal(gated.append('dataset-other', [proposed(datasetVersion(1, 1))]))).toMatchObject({ rule: 'VERSION_NAME_MISMATCH' });
  });

  it('a version’s producing run must be a run the store holds, started', async () => {
    const { gated } = gatedStore();
    expect(await refusal(gated.append('dataset-iris', [proposed(datasetVersion(1, 1, TEST_RUN_ID))]))).toMatchObject({ rule: 'PRODUCING_RUN_UNKNOWN' });
    await gated.append(RUN, [proposed(started)]);
    await gated.append('dataset-iris', [proposed(datasetVersion(1, 1, TEST_RUN_ID))]);
    const model: DomainEvent = { type: 'ModelVersionCreated', data: { name: 'clf', version: 1, ref: ref(9), producedBy: 'nobody', metrics: {} } };
    expect(await refusal(gated.append('model-clf', [proposed(model)]))).toMatchObject({ rule: 'PRODUCING_RUN_UNKNOWN' });
  });

  it('a project is created once, with its stream’s id', async () => {
    const { gated } = gatedStore();
    expect(await refusal(gated.append('project-p', [proposed({ type: 'ProjectCreated', data: { id: 'q', name: 'q' } })]))).toMatchObject({
      rule: 'PROJECT_ID_MISMATCH',
    });
    await gated.append('project-p', [proposed({ type: 'ProjectCreated', data: { id: 'p', name: 'p' } })]);
    expect(await refusal(gated.append('project-p', [proposed({ type: 'ProjectCreated', data: { id: 'p', name: 'p' } })]))).toMatchObject({
      rule: 'PROJECT_ALREADY_CREATED',
    });
  });
});

describe('the append gate: state folded once per stream', () => {
  it('reads only what the store recorded since its last check (a writer that bypassed it included)', async () => {
    const { gated, store } = await given(started);
    // Another writer (the deciding process itself) appends straight to the store.
    await store.append(RUN, [proposed(parameter('depth', 3))]);
    expect(await refusal(gated.append(RUN, [proposed(parameter('depth', 4))]))).toMatchObject({ rule: 'PARAMETER_CONFLICT' });
    const state = await gated.gate.stateOf(RUN);
    expect(state.revision).toBe(1);
  });
});

describe('the append gate: abandoned runs', () => {
  const abandoned: DomainEvent = { type: 'RunAbandoned', data: { reason: 'its writer is gone', at: T1 } };

  it('given a running run, when RunAbandoned is appended, then it is admitted, and nothing after it is', async () => {
    const { whenAppended, gated } = await given(started);
    expect(await whenAppended(abandoned)).toBeUndefined();
    expect(await refusal(gated.append(RUN, [proposed(parameter('depth', 1))]))).toMatchObject({ rule: 'RUN_ABANDONED' });
  });

  it('given a published run, when RunAbandoned is appended, then it is refused', async () => {
    const { gated, store } = await given(started);
    await gated.append(RUN, [proposed(sealOf(await headOf(store, RUN)))]);
    expect(await refusal(gated.append(RUN, [proposed(abandoned)]))).toMatchObject({ rule: 'RUN_ALREADY_PUBLISHED', eventType: 'RunAbandoned' });
  });
});

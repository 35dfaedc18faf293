import { describe, expect, it } from 'vitest';
import { RunRecorder } from '../../src/index.js';
import { WrongExpectedRevisionError } from '../../src/errors/store-errors.js';
import { verifyChain } from '../../src/events/hash-chain.js';
import { MetricStepOrderError, ParameterConflictError } from '../../src/index.js';
import { testServices, types } from './run-services-fixture.js';

const T = '2026-02-01T00:00:00.000Z';
const start = {
  kind: 'start',
  projectId: 'p',
  mode: 'script',
  workload: { script: 'train.ts' },
  codeVersion: { gitCommit: 'c0ffee' },
  environment: { runtime: 'node 20', os: 'linux', host: 'box', user: 'ada' },
  startedAt: T,
} as const;

async function startedRecorder(services = testServices(), runId = 'r1') {
  const recorder = RunRecorder.create(services, runId, { sdkVersion: '0.1.0' });
  await recorder.record(start);
  return { services, recorder };
}

describe('RunRecorder', () => {
  it('appends each decision to run-<id> with the expected revision, keeping state in memory (no re-read)', async () => {
    const { services, recorder } = await startedRecorder();
    await recorder.record({ kind: 'recordParameter', name: 'lr', value: 0.1 });
    await recorder.record({ kind: 'recordParameter', name: 'lr', value: 0.1 });
    expect(services.events.reads).toBe(0);
    expect(recorder.revision).toBe(1);
    const events = await services.events.streamEvents('run-r1');
    expect(types(events)).toEqual(['RunStarted', 'ParameterRecorded']);
    expect(events[1]!.meta).toEqual({ sdkVersion: '0.1.0', correlationId: 'r1' });
    expect(recorder.headHash).toBe(events[1]!.hash);
  });

  it('a batch of commands is ONE append, all or nothing', async () => {
    const { services, recorder } = await startedRecorder();
    const points = Array.from({ length: 50 }, (_, i) => ({ kind: 'recordMetric' as const, name: 'loss', value: 1 / (i + 1), step: i, at: T }));
    const recorded = await recorder.recordBatch(points);
    expect(recorded).toHaveLength(50);
    expect(services.events.appends.at(-1)).toEqual({ stream: 'run-r1', count: 50 });

    const appendsBefore = services.events.appends.length;
    await expect(
      recorder.recordBatch([
        { kind: 'recordMetric', name: 'loss', value: 0, step: 60, at: T },
        { kind: 'recordMetric', name: 'loss', value: 0, step: 10, at: T },
      ]),
    ).rejects.toThrow(MetricStepOrderError);
    expect(services.events.appends.length).toBe(appendsBefore);
    expect(recorder.state.metrics.get('loss')?.lastStep).toBe(49);
  });

  it('a refused command writes nothing', async () => {
    const { services, recorder } = await startedRecorder();
    await recorder.record({ kind: 'recordParameter', name: 'lr', value: 0.1 });
    await expect(recorder.record({ kind: 'recordParameter', name: 'lr', value: 0.2 })).rejects.toThrow(ParameterConflictError);
    expect(await services.events.streamEvents('run-r1')).toHaveLength(2);
  });

  it('open() rebuilds the state of an existing run from its stream', async () => {
    const { services, recorder } = await startedRecorder();
    await recorder.record({ kind: 'recordMetric', name: 'loss', value: 1, step: 7, at: T });
    const reopened = await RunRecorder.open(services, 'r1');
    expect(reopened.revision).toBe(1);
    expect(reopened.headHash).toBe(recorder.headHash);
    await expect(reopened.record({ kind: 'recordMetric', name: 'loss', value: 1, step: 6, at: T })).rejects.toThrow(/at step 7; step 6/);
  });

  it('on a conflict it re-reads and re-decides: the other writer’s events count (safe: every rule is checked again)', async () => {
    const { services, recorder } = await startedRecorder();
    const other = await RunRecorder.open(services, 'r1');
    await other.record({ kind: 'recordParameter', name: 'lr', value: 0.1 });
    await other.record({ kind: 'recordMetric', name: 'loss', value: 1, step: 10, at: T });

    // Same parameter value as the other writer: nothing to add after re-deciding.
    expect(await recorder.record({ kind: 'recordParameter', name: 'lr', value: 0.1 })).toEqual([]);
    // A metric step behind the other writer's is refused against the fresh state.
    await expect(recorder.record({ kind: 'recordMetric', name: 'loss', value: 1, step: 3, at: T })).rejects.toThrow(MetricStepOrderError);
    await expect(recorder.record({ kind: 'recordParameter', name: 'lr', value: 0.3 })).rejects.toThrow(ParameterConflictError);
    const appended = await recorder.record({ kind: 'recordMetric', name: 'loss', value: 0.5, step: 11, at: T });
    expect(appended[0]!.revision).toBe(3);
    expect(types(await services.events.streamEvents('run-r1'))).toEqual(['RunStarted', 'ParameterRecorded', 'MetricRecorded', 'MetricRecorded']);
  });

  it('gives up after repeated conflicts and reports the WrongExpectedRevisionError', async () => {
    const { services, recorder } = await startedRecorder();
    const other = await RunRecorder.open(services, 'r1');
    let n = 0;
    services.events.beforeAppend = async (stream) => {
      if (stream !== 'run-r1' || n > 100) return;
      const hook = services.events.beforeAppend;
      services.events.beforeAppend = undefined;
      await other.record({ kind: 'recordSummary', name: 'x', value: n++ });
      services.events.beforeAppend = hook;
    };
    await expect(recorder.record({ kind: 'addLabel', name: 'team', value: 'a' })).rejects.toThrow(WrongExpectedRevisionError);
    expect(n).toBe(6);
  });

  it('after an append whose outcome is unknown it re-reads before the next command: no duplicate, no stale state', async () => {
    const { services, recorder } = await startedRecorder();
    // The append reaches the store but the acknowledgement is lost.
    services.events.beforeAppend = async (stream, events) => {
      services.events.beforeAppend = undefined;
      await services.events.append(stream, events, { expectedRevision: 0 });
      throw new Error('connection reset');
    };
    await expect(recorder.record({ kind: 'recordMetric', name: 'loss', value: 1, step: 5, at: T })).rejects.toThrow('connection reset');
    await expect(recorder.record({ kind: 'recordMetric', name: 'loss', value: 1, step: 4, at: T })).rejects.toThrow(/at step 5/);
    await recorder.record({ kind: 'recordMetric', name: 'loss', value: 1, step: 6, at: T });
    const events = await services.events.streamEvents('run-r1');
    expect(events.map((e) => (e.data as { step?: number }).step ?? null)).toEqual([null, 5, 6]);
  });

  it('seal appends the declarations and RunPublished in one append, whose headHash is the previous event’s hash', async () => {
    const { services, recorder } = await startedRecorder();
    const sealed = await recorder.seal([{ kind: 'describe', description: 'final' }], T);
    expect(types(sealed)).toEqual(['RunDescribed', 'RunPublished']);
    expect(sealed[1]!.data).toEqual({ endedAt: T, headHash: sealed[0]!.hash });
    expect(services.events.appends.at(-1)).toEqual({ stream: 'run-r1', count: 2 });
    expect(verifyChain(await services.events.allEvents())).toMatchObject({ ok: true });
    expect(recorder.state.lifecycle).toBe('published');
    await expect(recorder.seal([], T)).rejects.toThrow(/already published/);
  });
});

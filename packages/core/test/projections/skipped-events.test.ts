import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { datasetsProjection, ProjectionRunner, replay, runsProjection } from '../../src/index.js';
import { InMemoryCheckpointStore } from '../../src/testing/index.js';
import { History } from './history.js';

/** A history with a run, then an event the catalogue refuses (written past any gate), then more of the run. */
async function poisonedHistory() {
  const h = new History();
  await h.start('r1');
  await h.store.append('run-r1', [{ id: randomUUID(), type: 'MetricsRecorded', schemaVersion: 1, data: { series: 'garbage' }, meta: {} }]);
  await h.store.append('run-r1', [{ id: randomUUID(), type: 'ParameterRecorded', schemaVersion: 9, data: { name: 'x', value: 1 }, meta: {} }]);
  await h.emit('run-r1', 'ParameterRecorded', { name: 'depth', value: 3 });
  await h.datasetVersion('iris', 1, 'rows');
  return h;
}

describe('a read model meets an event the catalogue refuses', () => {
  it('given a poison event and one of an unknown schema version in the log, when the runs projection catches up, then it passes over both, reports each (stream, revision, reason), and serves the rest', async () => {
    const h = await poisonedHistory();
    const runner = new ProjectionRunner(h.store, new InMemoryCheckpointStore(), runsProjection);
    const report = await runner.catchUp();
    expect(report.events).toBe(5);
    expect(runner.state.r1?.parameters).toEqual({ depth: 3 });
    expect(runner.skipped.count).toBe(2);
    expect(runner.skipped.events).toEqual([
      expect.objectContaining({ projection: 'runs', stream: 'run-r1', revision: 1, type: 'MetricsRecorded', reason: expect.stringMatching(/data\.series/) }),
      expect.objectContaining({ stream: 'run-r1', revision: 2, type: 'ParameterRecorded', reason: expect.stringMatching(/v9 .*no upcaster/) }),
    ]);
    await runner.stop();
  });

  it('given the same log, then a replay and other projections pass over it too', async () => {
    const h = await poisonedHistory();
    expect((await replay(h.store, runsProjection)).state.r1?.parameters).toEqual({ depth: 3 });
    expect(Object.keys((await replay(h.store, datasetsProjection)).state.datasets)).toEqual(['iris']);
  });
});

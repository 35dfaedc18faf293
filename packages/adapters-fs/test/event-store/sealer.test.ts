import { afterEach, describe, expect, it } from 'vitest';
import { parseAppend } from '@dotscience/core/store-kit';
import { RecordWorker } from '../../src/event-store/record-worker.js';
import { InThreadSealer, WorkerSealer, type Sealer } from '../../src/event-store/sealer.js';
import { metricEvent } from './fixtures.js';

const head = { revision: 4, hash: 'a'.repeat(64) };
const recordedAt = '2026-01-02T03:04:05.678Z';

describe('Sealer: in-thread and on the worker', () => {
  const workers: RecordWorker[] = [];
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
  });
  const worker = (): RecordWorker => {
    const w = new RecordWorker();
    workers.push(w);
    return w;
  };

  it('given the same append, when sealed by either sealer through the interface, then the records and their bytes are the same, the in-thread one at once', async () => {
    const events = parseAppend(
      'run-s',
      Array.from({ length: 300 }, (_, i) => metricEvent(i)),
    ).events;
    const w = worker();
    expect(await w.whenOnline()).toBe(true);
    const sealers: Sealer[] = [new InThreadSealer(), new WorkerSealer(w, 100)];
    const [here, there] = sealers.map((s) => s.seal('run-s', head, events, 12, recordedAt));
    expect(here).not.toBeInstanceOf(Promise);
    expect(there).toBeInstanceOf(Promise);
    const [a, b] = await Promise.all([here!, there!]);
    expect(b.events).toEqual(a.events);
    expect(Buffer.concat(b.chunks).equals(Buffer.concat(a.chunks))).toBe(true);
    expect(a.events[0]).toMatchObject({ revision: 5, prevHash: head.hash, position: 12, recordedAt });
    expect(w.usable).toBe(true);
  });

  it('given a worker sealer from 100 events, then it takes appends of 100 or more once the worker runs, and none when turned off (0)', async () => {
    const w = worker();
    const sealer = new WorkerSealer(w, 100);
    expect(sealer.takes(500)).toBe(false); // starting: sealed on this thread until it runs
    expect(await w.whenOnline()).toBe(true);
    expect([sealer.takes(99), sealer.takes(100), sealer.takes(5000)]).toEqual([false, true, true]);
    expect(new WorkerSealer(w, 0).takes(5000)).toBe(false);
  });
});

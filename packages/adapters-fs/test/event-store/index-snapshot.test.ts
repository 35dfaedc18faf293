import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH, type RecordedEvent } from '@dotscience/core';
import { loadIndexSnapshot, saveIndexSnapshot } from '../../src/event-store/index-snapshot.js';
import { idPrints, StreamIndex } from '../../src/event-store/stream-index.js';
import { tempStoreDir } from './fixtures.js';

const STREAMS = ['run-a', 'run-b', 'run-c'];

/** Commit `count` events from the index's end, round robin over STREAMS, 1,000 per append, each frame 100 + position % 7 bytes. */
function commit(index: StreamIndex, count: number): void {
  for (let done = 0; done < count; done += 1000) {
    const from = index.table.count;
    const stream = STREAMS[(from / 1000) % STREAMS.length]!;
    const events: RecordedEvent[] = Array.from({ length: Math.min(1000, count - done) }, (_, i) => ({
      id: randomUUID(),
      type: 'MetricRecorded',
      schemaVersion: 1,
      stream,
      revision: 0,
      position: from + i,
      recordedAt: '2025-01-01T00:00:00.000Z',
      data: {},
      meta: {},
      prevHash: GENESIS_HASH,
      hash: `${from + i}`.padStart(64, '0'),
    }));
    const offset = from === 0 ? 0 : index.table.offset[from - 1]! + index.table.length[from - 1]!;
    index.commitAppend(
      events,
      offset,
      events.map((e) => 100 + (e.position % 7)),
      idPrints(events),
    );
  }
}

describe('saveIndexSnapshot', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempStoreDir()));
  afterEach(() => cleanup());

  it('given appends committed while a snapshot is written (its columns growing), then the snapshot holds exactly the index as it was when it began', async () => {
    const index = new StreamIndex();
    index.table.segments.push({ name: '00000000000000000000.log', firstPosition: 0 });
    commit(index, 261_000);
    const before = {
      columns: Object.fromEntries(Object.entries(index.table.columns()).map(([name, column]) => [name, Array.from(column)])),
      streams: STREAMS.map((name) => ({ name, positions: [...index.streams.get(name)!.positions], hash: index.streams.get(name)!.committedHash })),
      end: index.table.lastSegmentEnd(),
    };
    const path = join(dir, 'stream-index.snapshot');
    let settled = false;
    const saving = saveIndexSnapshot(path, index).finally(() => (settled = true));
    let committedMeanwhile = 0;
    while (!settled) {
      commit(index, 2000); // past 262,144 rows at the first: the columns are made anew
      committedMeanwhile += 2000;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await saving;
    expect(committedMeanwhile).toBeGreaterThan(0);
    expect(index.table.offset.length).toBeGreaterThan(262_144); // the columns the snapshot began with were replaced

    const loaded = (await loadIndexSnapshot(path))!;
    expect(loaded.index.table.count).toBe(261_000);
    expect(loaded.lastSegmentEnd).toBe(before.end);
    const columns = Object.fromEntries(Object.entries(loaded.index.table.columns()).map(([name, column]) => [name, Array.from(column)]));
    expect(columns).toEqual(before.columns);
    expect(
      STREAMS.map((name) => ({ name, positions: loaded.index.streams.get(name)!.positions, hash: loaded.index.streams.get(name)!.committedHash })),
    ).toEqual(before.streams);
  });
});

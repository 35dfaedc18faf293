import type { NewEvent } from '@dotscience/core';
import { FsEventStore } from '../packages/adapters-fs/src/event-store/index.js';
import { recordedHistory } from '../packages/core/bench/run-history.js';

/** Writes `runs` recorded runs of `perRun` events each (with their dataset and model versions) into the event log at `directory`; returns how many events. */
export async function seedRecordedRuns(directory: string, runs: number, perRun: number): Promise<number> {
  const history = recordedHistory(runs * (perRun + 2), perRun);
  const byStream = new Map<string, NewEvent[]>();
  for (const e of history) {
    const list = byStream.get(e.stream) ?? [];
    list.push({ id: e.id, type: e.type, schemaVersion: e.schemaVersion, data: e.data, meta: e.meta } as NewEvent);
    byStream.set(e.stream, list);
  }
  const store = await FsEventStore.open(directory);
  // Deferred: written without an fdatasync each (100k runs were 100k syncs, more than a bench step's
  // share on a loaded machine); the close makes them durable, as a sweep's last commit would.
  for (const [stream, events] of byStream) await store.append(stream, events, { durability: 'deferred' });
  await store.close();
  return history.length;
}

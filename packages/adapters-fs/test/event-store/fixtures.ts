import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent, RecordedEvent } from '@dotscience/core';

export function metricEvent(step: number, id: string = randomUUID()): NewEvent {
  return { id, type: 'MetricRecorded', schemaVersion: 1, data: { name: 'loss', value: 1 / (step + 1), step }, meta: {} };
}

export async function tempStoreDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'ds-event-store-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

export const idsOf = (events: readonly RecordedEvent[]): string[] => events.map((e) => e.id);

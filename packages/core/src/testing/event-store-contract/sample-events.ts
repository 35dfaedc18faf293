import { randomUUID } from 'node:crypto';
import type { NewEvent, RecordedEvent } from '../../events/envelope.js';
import type { JsonValue } from '../../events/json.js';

/** A new event with a fresh id. The store does not interpret type or data, so the suite uses its own. */
export function newEvent(type = 'ContractEvent', data: JsonValue = { n: 0 }, meta: NewEvent['meta'] = {}): NewEvent {
  return { id: randomUUID(), type, schemaVersion: 1, data, meta };
}

/** `count` new events numbered from `from`, tagged with `label` so a reader can tell batches apart. */
export function newEvents(count: number, label = 'batch', from = 0): NewEvent[] {
  return Array.from({ length: count }, (_, i) => newEvent('ContractEvent', { label, n: from + i }));
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

export const idsOf = (events: ReadonlyArray<{ id: string }>): string[] => events.map((e) => e.id);

export const positionsOf = (events: readonly RecordedEvent[]): number[] => events.map((e) => e.position);

/** True when every position is greater than the one before it. */
export function strictlyIncreasing(values: readonly number[]): boolean {
  return values.every((v, i) => i === 0 || v > values[i - 1]!);
}

import { randomUUID } from 'node:crypto';
import { chainEvents } from '../../src/store-kit.js';
import { GENESIS_HASH, type NewEvent, type RecordedEvent } from '../../src/index.js';

export function newEvent(type: string, data: NewEvent['data']): NewEvent {
  return { id: randomUUID(), type, schemaVersion: 1, data, meta: { actor: { user: 'ada', host: 'lab' } } };
}

/** Interleave events of several streams into one recorded history, as a store would. */
export function recordHistory(plan: Array<[stream: string, event: NewEvent]>): RecordedEvent[] {
  const heads = new Map<string, { revision: number; hash: string }>();
  return plan.map(([stream, e], position) => {
    const head = heads.get(stream) ?? { revision: -1, hash: GENESIS_HASH };
    const [sealed] = chainEvents(stream, head.revision, head.hash, [e]);
    heads.set(stream, { revision: sealed!.revision, hash: sealed!.hash });
    return { ...sealed!, position, recordedAt: '2026-11-24T10:00:00.000Z' };
  });
}

export function sampleHistory(): RecordedEvent[] {
  return recordHistory([
    ['run-a', newEvent('RunDescribed', { description: 'first' })],
    ['run-b', newEvent('ParameterRecorded', { name: 'depth', value: 3 })],
    ['run-a', newEvent('ParameterRecorded', { name: 'lr', value: 0.1 })],
    ['run-a', newEvent('MetricRecorded', { name: 'loss', value: 0.5, step: 1, at: '2026-11-24T10:00:01.000Z' })],
    ['run-b', newEvent('LabelAdded', { name: 'team', value: 'vision' })],
    ['run-a', newEvent('MetricRecorded', { name: 'loss', value: 0.25, step: 2, at: '2026-11-24T10:00:02.000Z' })],
  ]);
}

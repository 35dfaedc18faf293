import { z } from 'zod';
import { parseInput } from '../errors/parse-input.js';
import type { UpcasterRegistry } from '../events/upcasting.js';
import type { EventStore } from '../ports/event-store.js';
import { eventApplier, initialStateOf, type Projection } from './projection.js';

export interface ReplayOptions {
  /**
   * Stop after this point: a global position (inclusive), or an ISO-8601 time —
   * the log as it stood then: every event recorded at or before it, up to the
   * first one recorded later.
   */
  until?: number | string;
  upcasters?: UpcasterRegistry;
}

export interface ReplayResult<S> {
  state: S;
  /** Position of the last event replayed; -1 when none. */
  position: number;
  /** recordedAt of the last event replayed; null when none. */
  recordedAt: string | null;
  events: number;
}

const UntilSchema = z.union([z.number().int().nonnegative(), z.iso.datetime({ offset: true, error: 'must be an ISO-8601 time such as 2026-01-31T12:00:00Z' })]);

/**
 * Rebuild a projection from position 0 into a fresh state, without
 * checkpoints: the audit path (`ds replay --until`). Pure with respect to the
 * store: nothing is written.
 */
export async function replay<S>(store: EventStore, projection: Projection<S>, options: ReplayOptions = {}): Promise<ReplayResult<S>> {
  const until = options.until === undefined ? undefined : parseInput(UntilSchema, options.until, 'replay --until (a position or an ISO-8601 time)');
  const untilPosition = typeof until === 'number' ? until : Infinity;
  const untilTime = typeof until === 'string' ? Date.parse(until) : Infinity;
  const apply = eventApplier(projection, options.upcasters);
  let state = initialStateOf(projection);
  let position = -1;
  let recordedAt: string | null = null;
  let events = 0;
  for await (const e of store.readAll({ fromPosition: 0 })) {
    if (e.position > untilPosition || (untilTime !== Infinity && Date.parse(e.recordedAt) > untilTime)) break;
    state = apply(state, e);
    position = e.position;
    recordedAt = e.recordedAt;
    events++;
  }
  return { state, position, recordedAt, events };
}

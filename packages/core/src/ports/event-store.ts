import type { Observable } from 'rxjs';
import type { NewEvent, RecordedEvent } from '../events/envelope.js';

/**
 * The revision a writer expects a stream to be at (DESIGN §3, EventStoreDB semantics):
 * - a number: the stream's last event has exactly this 0-based revision (-1: it has none, like 'no_stream');
 * - 'no_stream': the stream has no events;
 * - 'stream_exists': the stream has at least one event;
 * - 'any': no check.
 */
export type ExpectedRevision = number | 'no_stream' | 'stream_exists' | 'any';

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
  /**
   * 'deferred': the store may answer once the events are written, before they are durable;
   * they become durable with the next durable append (or the store's close), in log order.
   * For writes a later durable append completes (a run's annotations, sealed by its publish).
   * Stores without such a mode make every append durable. Default: durable.
   */
  durability?: 'deferred';
}

export interface AppendResult {
  /** Revision of the stream's last event after the append (pass it as the next expectedRevision). */
  nextExpectedRevision: number;
  /** Global position of the last event written (or found, on an idempotent retry). */
  position: number;
  /** The events as recorded (for an idempotent retry: as they were recorded the first time). */
  events: RecordedEvent[];
}

export interface ReadStreamOptions {
  /** First revision to read (inclusive). Default 0. */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** First global position to read (inclusive). Default 0. */
  fromPosition?: number;
  maxCount?: number;
}

export interface SubscribeOptions {
  /** First global position to deliver (inclusive). Default 0: the whole history, then live. */
  fromPosition?: number;
}

/**
 * An append-only log of streams of recorded events.
 *
 * - `append` assigns revisions (0-based, per stream), global positions
 *   (monotonic, gaps allowed), recordedAt and the hash chain (see `chainEvents`).
 *   It is atomic: all events are written or none. When the events' ids equal the
 *   ids already recorded at the revisions they would take, the append is an
 *   idempotent retry: nothing is written and the original result is returned.
 *   Otherwise an expectedRevision mismatch throws `WrongExpectedRevisionError`.
 * - `readStream` yields a stream's events in revision order (nothing for a
 *   stream that does not exist).
 * - `readAll` yields every event in global position order.
 * - `subscribe` emits history from `fromPosition`, then live events, in position
 *   order, with no gap and no duplicate at the seam.
 */
export interface EventStore {
  append(stream: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribe(options?: SubscribeOptions): Observable<RecordedEvent>;
  /** Release files, sockets, locks. The store is unusable afterwards. */
  close(): Promise<void>;
}

export const EventStore = Symbol.for('dotscience.EventStore');

import { Observable, Subject } from 'rxjs';
import { chainEvents } from '../events/hash-chain.js';
import { GENESIS_HASH, type NewEvent, type RecordedEvent } from '../events/envelope.js';
import { checkExpected, checkIdsUnrecorded, idempotentRetry, appendResult, parseAppend, retryCandidateIn } from '../store/append-rules.js';
import type { AppendOptions, AppendResult, EventStore, ReadAllOptions, ReadStreamOptions, SubscribeOptions } from '../ports/event-store.js';

/**
 * An EventStore in memory: the reference implementation of the port's
 * semantics, for tests and for projections replayed without a disk.
 */
export class InMemoryEventStore implements EventStore {
  private readonly all: RecordedEvent[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();
  /** Every recorded event by id: an id is recorded at most once per store. */
  private readonly byId = new Map<string, RecordedEvent>();
  /** Signals that the log grew; subscribers read the new events from `all`. */
  private readonly live = new Subject<void>();
  private closed = false;

  constructor(private readonly now: () => string = () => new Date().toISOString()) {}

  async append(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    this.assertOpen();
    const { events: parsed, expected } = parseAppend(stream, events, options);
    const existing = this.streams.get(stream) ?? [];
    const retry = idempotentRetry(stream, retryCandidateIn(existing, parsed), parsed, expected);
    if (retry) return retry;
    checkExpected(stream, existing.length - 1, expected);
    checkIdsUnrecorded(stream, parsed, (id) => this.byId.get(id));
    if (parsed.length === 0) {
      return { nextExpectedRevision: existing.length - 1, position: this.all.length - 1, events: [] };
    }
    const head = existing[existing.length - 1];
    const recordedAt = this.now();
    const recorded = chainEvents(stream, existing.length - 1, head?.hash ?? GENESIS_HASH, parsed).map((e, i): RecordedEvent => ({
      ...e,
      position: this.all.length + i,
      recordedAt,
    }));
    this.all.push(...recorded);
    for (const e of recorded) this.byId.set(e.id, e);
    this.streams.set(stream, [...existing, ...recorded]);
    this.live.next();
    return appendResult(recorded);
  }

  async *readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const events = this.streams.get(stream) ?? [];
    const from = Math.max(0, options.fromRevision ?? 0);
    const end = options.maxCount === undefined ? events.length : Math.min(events.length, from + options.maxCount);
    for (let r = from; r < end; r++) yield events[r]!;
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const from = Math.max(0, options.fromPosition ?? 0);
    const end = options.maxCount === undefined ? this.all.length : Math.min(this.all.length, from + options.maxCount);
    for (let p = from; p < end; p++) yield this.all[p]!;
  }

  subscribe(options: SubscribeOptions = {}): Observable<RecordedEvent> {
    return new Observable<RecordedEvent>((subscriber) => {
      // One cursor over the log for history and live alike. An observer that appends while
      // handling an event re-enters here: the outer loop delivers the new events after the
      // ones already due, so none is skipped or delivered out of order.
      let next = Math.max(0, options.fromPosition ?? 0);
      let delivering = false;
      const deliver = (): void => {
        if (delivering) return;
        delivering = true;
        try {
          while (next < this.all.length && !subscriber.closed) subscriber.next(this.all[next++]!);
        } finally {
          delivering = false;
        }
      };
      deliver();
      const sub = this.live.subscribe({ next: deliver, complete: () => subscriber.complete() });
      return () => sub.unsubscribe();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.live.complete();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the in-memory event store is closed');
  }
}

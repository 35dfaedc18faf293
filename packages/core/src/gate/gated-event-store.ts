import type { Observable } from 'rxjs';
import { WrongExpectedRevisionError } from '../errors/store-errors.js';
import type { NewEvent, RecordedEvent } from '../events/envelope.js';
import type { AppendOptions, AppendResult, EventStore, ReadAllOptions, ReadStreamOptions, SubscribeOptions } from '../ports/event-store.js';
import { idempotentRetry, parseAppend, retryCandidateIn } from '../store/append-rules.js';
import { AppendGate, type AppendGateOptions } from './append-gate.js';
import { AppendRefusedError } from './gate-errors.js';
import { atHead } from './stream-rules.js';

/**
 * An EventStore whose appends pass the AppendGate first: an append that breaks a rule
 * is refused with an AppendRefusedError and nothing is written. What a process binds
 * where events arrive that it did not decide itself (the hub's append endpoint).
 * Appends to one stream are checked and written one at a time, so no other append
 * lands between a check and its write; appends to different streams go on side by side.
 * An exact retry of an append already recorded is answered as the store answers it.
 */
export class GatedEventStore implements EventStore {
  readonly gate: AppendGate;
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(
    private readonly inner: EventStore,
    options: AppendGateOptions = {},
  ) {
    this.gate = new AppendGate(inner, options);
  }

  append(stream: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    const before = this.tails.get(stream);
    const run = (before ?? Promise.resolve()).then(() => this.checkedAppend(stream, events, options));
    const tail = run.catch(() => undefined);
    this.tails.set(stream, tail);
    void tail.then(() => {
      if (this.tails.get(stream) === tail) this.tails.delete(stream);
    });
    return run;
  }

  private async checkedAppend(stream: string, events: readonly NewEvent[], options: AppendOptions | undefined): Promise<AppendResult> {
    let admitted;
    try {
      // A numeric expected revision is enforced by the store at the write, so a state kept at it needs no read first.
      const given = options?.expectedRevision;
      const expected = typeof given === 'number' ? given : given === 'no_stream' ? -1 : undefined;
      admitted = await this.gate.check(stream, events, undefined, expected);
    } catch (error) {
      if (error instanceof AppendRefusedError) {
        const retried = await this.recordedRetry(stream, events, options);
        if (retried) return retried;
        const stale = await this.staleExpectation(stream, options);
        if (stale) throw stale;
      }
      throw error;
    }
    const result = await this.inner.append(stream, events, options);
    const last = result.events[result.events.length - 1];
    if (last && last.revision === admitted.revision && result.events.length === events.length) this.gate.remember(atHead(admitted, last.hash));
    return result;
  }

  /**
   * The error the store gives an append whose expected revision the stream has moved past, when it has:
   * a writer that read the stream before another's append decided on what it read (a version numbered
   * latest + 1, say), so the rule its events break now is not the news; that it must re-read is.
   */
  private async staleExpectation(stream: string, options: AppendOptions | undefined): Promise<WrongExpectedRevisionError | undefined> {
    const expected = options?.expectedRevision;
    if (typeof expected !== 'number' && expected !== 'no_stream') return undefined;
    const actual = await this.gate.stateOf(stream).then(
      (state) => state.revision,
      () => undefined,
    );
    if (actual === undefined || actual === (expected === 'no_stream' ? -1 : expected)) return undefined;
    return new WrongExpectedRevisionError(stream, expected, actual);
  }

  /** The store's answer when these events are an exact retry of an append it recorded; else undefined. */
  private async recordedRetry(stream: string, events: readonly NewEvent[], options: AppendOptions | undefined): Promise<AppendResult | undefined> {
    const parsed = parseAppend(stream, events, options);
    const existing: RecordedEvent[] = [];
    for await (const e of this.inner.readStream(stream)) existing.push(e);
    try {
      return idempotentRetry(stream, retryCandidateIn(existing, parsed.events), parsed.events, parsed.expected) === undefined
        ? undefined
        : await this.inner.append(stream, events, options);
    } catch {
      return undefined;
    }
  }

  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    return this.inner.readStream(stream, options);
  }

  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    return this.inner.readAll(options);
  }

  subscribe(options?: SubscribeOptions): Observable<RecordedEvent> {
    return this.inner.subscribe(options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

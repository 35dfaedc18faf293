import type { Observable } from 'rxjs';
import { WrongExpectedRevisionError } from '../errors/store-errors.js';
import type { NewEvent, RecordedEvent } from '../events/envelope.js';
import type { AppendOptions, AppendResult, EventStore, ReadAllOptions, ReadStreamOptions, SubscribeOptions } from '../ports/event-store.js';
import { idempotentRetry, parseAppend, retryCandidateIn } from '../store/append-rules.js';
import { AppendGate, type AppendGateOptions } from './append-gate.js';
import { AppendRefusedError } from './gate-errors.js';
import { atHead, type AdmittedEvents } from './stream-rules.js';

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
    const run = before === undefined ? this.checkedAppend(stream, events, options) : before.then(() => this.checkedAppend(stream, events, options));
    // The stream's next append waits for this one to settle; once it has (and no later one is queued), none waits.
    const forget = (): void => {
      if (this.tails.get(stream) === tail) this.tails.delete(stream);
    };
    const tail: Promise<void> = run.then(forget, forget);
    this.tails.set(stream, tail);
    return run;
  }

  /**
   * Check, then write. An append that expects its stream's next revision, kept by the gate, is
   * checked from memory and handed to the store in the same turn, with no wait between (a hub's
   * appends are mostly such). Any other append, and any the gate refuses (it may be a recorded
   * retry), is checked by reading what the check needs first.
   */
  private checkedAppend(stream: string, events: readonly NewEvent[], options: AppendOptions | undefined): Promise<AppendResult> {
    const expected = numericExpectation(options);
    let admitted: AdmittedEvents | undefined;
    try {
      admitted = this.gate.checkInMemory(stream, events, expected);
    } catch {
      admitted = undefined;
    }
    if (admitted === undefined) return this.checkedAppendReading(stream, events, options, expected);
    try {
      return this.written(admitted, this.inner.append(stream, events, options), events.length);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  private async checkedAppendReading(
    stream: string,
    events: readonly NewEvent[],
    options: AppendOptions | undefined,
    expected: number | undefined,
  ): Promise<AppendResult> {
    let admitted;
    try {
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
    return this.written(admitted, this.inner.append(stream, events, options), events.length);
  }

  /** The store's answer to an admitted append; the state the append leads to is kept once the store recorded all of it. */
  private written(admitted: AdmittedEvents, appended: Promise<AppendResult>, count: number): Promise<AppendResult> {
    return appended.then((result) => {
      const last = result.events[result.events.length - 1];
      if (last && last.revision === admitted.revision && result.events.length === count) this.gate.remember(atHead(admitted, last.hash));
      return result;
    });
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

/** A numeric expected revision (the store enforces it at the write, so a state kept at it needs no read first); 'no_stream' is -1. */
function numericExpectation(options: AppendOptions | undefined): number | undefined {
  const given = options?.expectedRevision;
  return typeof given === 'number' ? given : given === 'no_stream' ? -1 : undefined;
}

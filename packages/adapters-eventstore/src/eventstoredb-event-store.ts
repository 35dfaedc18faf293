import {
  WrongExpectedRevisionError,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from '@dotscience/core';
import { appendResult, chainEvents, checkExpected, checkIdsUnrecorded, idempotentRetry, parseAppend } from '@dotscience/core/store-kit';
import {
  BACKWARDS,
  END,
  FORWARDS,
  KurrentDBClient,
  START,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type ReadPosition,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import { Observable, type Subscriber } from 'rxjs';
import { eventDataOf, recordedEventOf } from './envelope-metadata.js';
import { serverPositionOf } from './positions.js';
import { readRevisionFor, streamStateFor } from './revisions.js';
import { appendFailureOf, conflictingRevisionOf, EventStoreClosedError, isStreamNotFound, reachabilityFailureOf } from './server-errors.js';
import { StreamLedger } from './stream-ledger.js';
import { StreamNames } from './stream-names.js';

export interface EventStoreDbOptions {
  /**
   * Prefix of every server stream this store writes and reads (default none).
   * Separate namespaces on one cluster never see each other's events; the
   * contract tests use a fresh one per test.
   */
  namespace?: string;
  /**
   * How often an append re-reads the stream and chains again after another
   * writer moved the stream between its read and its write (only for 'any' and
   * a still-satisfied 'stream_exists'; any other expectation fails at once).
   */
  maxChainAttempts?: number;
}

const DEFAULT_CHAIN_ATTEMPTS = 50;

/** A decoded event of `$all` (or undefined: not one of ours). */
type Decoded = RecordedEvent | undefined;

/**
 * The EventStore port on EventStoreDB / KurrentDB (`@kurrent/kurrentdb-client`).
 *
 * - append: the hash chain is computed here, on the stream's head as this store
 *   last read it, and written with `streamState` = that head, so the server
 *   refuses it if another writer got there first; the store then re-reads and
 *   decides again (core rules: `checkExpected`, `idempotentRetry`). Appends of one
 *   stream are serialized within a store. Event ids pass through, so the server
 *   also recognises a retried write. The recorded events (positions, `created`)
 *   are read back after the write.
 * - event ids: an id is recorded at most once per store (core's checkIdsUnrecorded).
 *   What this adapter can guarantee: an append repeating an id within itself, an id
 *   of the same stream (the ledger holds every id of the stream, read before each
 *   append), and an id this store instance has seen recorded in another stream or is
 *   writing right now, are refused. What it cannot: an id recorded in another stream
 *   by another process, or in a stream this instance never read. KurrentDB checks event
 *   ids only within a stream (and only as an idempotent write), and finding an id
 *   anywhere would mean reading all of `$all` or keeping an id index outside the
 *   server that every writer consults; neither is done.
 * - readAll / subscribe: `$all` with a server-side filter on the stream-name
 *   prefixes of our categories; positions are the events' commit positions.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly names: StreamNames;
  private readonly ledgers = new Map<string, StreamLedger>();
  /** Ids this instance knows are recorded (in every stream it has read) or is writing now: id → stream and revision. */
  private readonly knownIds = new Map<string, { stream: string; revision: number }>();
  private readonly appending = new Map<string, Promise<unknown>>();
  private readonly subscribers = new Set<{ subscriber: Subscriber<RecordedEvent>; stop: () => void }>();
  private readonly maxChainAttempts: number;
  private closed = false;

  private constructor(
    private readonly client: KurrentDBClient,
    private readonly label: string,
    options: EventStoreDbOptions,
  ) {
    this.names = new StreamNames(options.namespace ?? '');
    this.maxChainAttempts = options.maxChainAttempts ?? DEFAULT_CHAIN_ATTEMPTS;
  }

  /** A store on the server or cluster of a KurrentDB connection string (`kurrentdb://…`, `esdb://…`, `+discover` for gossip). */
  static connect(connectionString: string, options: EventStoreDbOptions = {}): EventStoreDbEventStore {
    const client = KurrentDBClient.connectionString(connectionString.replace(/^(esdb|kurrent)(\+discover)?:/i, 'kurrentdb$2:'));
    return new EventStoreDbEventStore(client, redactedConnection(connectionString), options);
  }

  async append(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    this.assertOpen();
    const { events: parsed, expected } = parseAppend(stream, events, options);
    checkIdsUnrecorded(stream, parsed, () => undefined); // an id repeated within the append, before any server round trip
    const server = this.names.toServer(stream);
    const previous = this.appending.get(server) ?? Promise.resolve();
    const turn = previous.then(
      () => this.appendInTurn(stream, server, parsed, expected),
      () => this.appendInTurn(stream, server, parsed, expected),
    );
    this.appending.set(server, turn);
    try {
      return await turn;
    } finally {
      if (this.appending.get(server) === turn) this.appending.delete(server);
    }
  }

  private async appendInTurn(stream: string, server: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    for (let attempt = 1; ; attempt++) {
      this.assertOpen();
      const ledger = await this.currentLedger(stream, server);
      const retryStart = events.length > 0 ? ledger.revisionOf(events[0]!.id) : undefined;
      if (retryStart !== undefined) return this.answerRetry(stream, ledger, retryStart, events, expected);
      checkExpected(stream, ledger.head, expected);
      if (events.length === 0) return { nextExpectedRevision: ledger.head, position: ledger.headPosition, events: [] };
      checkIdsUnrecorded(stream, events, (id) => this.knownIds.get(id));

      const sealed = chainEvents(stream, ledger.head, ledger.headHash, events);
      // Reserved while the write is in flight, so a concurrent append of this store repeating one of them is refused.
      for (const e of sealed) this.knownIds.set(e.id, { stream, revision: e.revision });
      try {
        await this.client.appendToStream(server, sealed.map(eventDataOf), { streamState: streamStateFor(ledger.head) });
      } catch (error) {
        for (const e of sealed) if (this.knownIds.get(e.id)?.stream === stream && ledger.revisionOf(e.id) === undefined) this.knownIds.delete(e.id);
        const actual = conflictingRevisionOf(error);
        if (actual === undefined) throw reachabilityFailureOf(appendFailureOf(error, stream, events.length), this.label);
        // Another writer moved the stream: re-read it and decide again (a retry of ours, a conflict, or a new chain for 'any').
        if (attempt < this.maxChainAttempts) continue;
        throw new WrongExpectedRevisionError(stream, expected, actual);
      }
      const recorded = await this.readRevisions(stream, server, ledger.head + 1, events.length);
      ledger.extend(recorded);
      if (recorded.length !== events.length || recorded.some((e, i) => e.id !== events[i]!.id)) {
        throw new Error(`stream ${stream}: the server acknowledged the append but revisions ${sealed[0]!.revision}.. hold other events — report this`);
      }
      return appendResult(recorded);
    }
  }

  /** The first event's id is already in the stream: the core's rule decides between the original result and a conflict. */
  private async answerRetry(stream: string, ledger: StreamLedger, start: number, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    // Up to the head the ledger holds: what the decision is taken on.
    const recorded = await this.readRevisions(stream, this.names.toServer(stream), start, Math.min(events.length, ledger.head + 1 - start));
    return idempotentRetry(stream, { headRevision: ledger.head, startRevision: start, recorded }, events, expected)!;
  }

  /** The stream's ledger, with every event written since this store last looked. */
  private async currentLedger(stream: string, server: string): Promise<StreamLedger> {
    let ledger = this.ledgers.get(server);
    if (!ledger) this.ledgers.set(server, (ledger = new StreamLedger(this.knownIds)));
    const fresh: RecordedEvent[] = [];
    for await (const e of this.readServerStream(stream, server, ledger.head + 1, undefined)) fresh.push(e);
    ledger.extend(fresh);
    return ledger;
  }

  private async readRevisions(stream: string, server: string, from: number, count: number): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    for await (const e of this.readServerStream(stream, server, from, count)) out.push(e);
    return out;
  }

  private async *readServerStream(stream: string, server: string, fromRevision: number, maxCount: number | undefined): AsyncGenerator<RecordedEvent> {
    if (maxCount === 0) return;
    const read = this.client.readStream(server, {
      fromRevision: readRevisionFor(fromRevision),
      direction: FORWARDS,
      ...(maxCount === undefined ? {} : { maxCount }),
    });
    try {
      for await (const resolved of read) {
        if (resolved.event) yield recordedEventOf(stream, resolved.event);
      }
    } catch (error) {
      if (!isStreamNotFound(error)) throw reachabilityFailureOf(error, this.label);
    }
  }

  async *readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    yield* this.readServerStream(stream, this.names.toServerForReading(stream), Math.max(0, options.fromRevision ?? 0), options.maxCount);
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const from = Math.max(0, options.fromPosition ?? 0);
    if (options.maxCount === 0) return;
    let count = 0;
    try {
      const read = this.client.readAll({ fromPosition: await this.anchorBefore(from), direction: FORWARDS, filter: this.filter() });
      for await (const resolved of read) {
        const e = this.decode(resolved);
        if (!e || e.position < from) continue;
        yield e;
        if (++count === options.maxCount) return;
      }
    } catch (error) {
      throw reachabilityFailureOf(error, this.label);
    }
  }

  subscribe(options: SubscribeOptions = {}): Observable<RecordedEvent> {
    const from = Math.max(0, options.fromPosition ?? 0);
    return new Observable<RecordedEvent>((subscriber) => {
      if (this.closed) {
        subscriber.complete();
        return undefined;
      }
      let subscription: AllStreamSubscription | undefined;
      let stopped = false;
      let last = -1;
      const stop = (): void => {
        stopped = true;
        this.subscribers.delete(entry);
        subscription?.unsubscribe().catch(() => undefined);
      };
      const entry = { subscriber, stop };
      this.subscribers.add(entry);
      this.anchorBefore(from).then(
        (anchor) => {
          if (stopped) return;
          // From an event's position the server delivers what comes after it; events before `from` are dropped here.
          subscription = this.client.subscribeToAll({ fromPosition: anchor, filter: this.filter() });
          subscription.on('data', (resolved: AllStreamResolvedEvent) => {
            if (stopped) return;
            let e: Decoded;
            try {
              e = this.decode(resolved);
            } catch (error) {
              stop();
              subscriber.error(error);
              return;
            }
            if (!e || e.position < from || e.position <= last) return;
            last = e.position;
            subscriber.next(e);
          });
          subscription.on('error', (error: Error) => {
            if (stopped) return;
            stop();
            subscriber.error(reachabilityFailureOf(error, this.label));
          });
        },
        (error: unknown) => {
          if (stopped) return;
          stop();
          subscriber.error(reachabilityFailureOf(error, this.label));
        },
      );
      return stop;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const { subscriber, stop } of [...this.subscribers]) {
      stop();
      subscriber.complete();
    }
    await Promise.allSettled([...this.appending.values()]);
    await this.client.dispose();
  }

  /**
   * A server position to read `$all` forward from so that the first event at or
   * after core position `from` is not missed: the position of the last of our
   * events before `from` (found reading backwards from the end), or the start.
   * Only positions of recorded events are ever sent to the server; the caller
   * drops events before `from`.
   */
  private async anchorBefore(from: number): Promise<ReadPosition> {
    if (from === 0) return START;
    const back = this.client.readAll({ fromPosition: END, direction: BACKWARDS, filter: this.filter() });
    for await (const resolved of back) {
      const position = resolved.event?.position;
      if (position && position.commit < BigInt(from)) return serverPositionOf(Number(position.commit));
    }
    return START;
  }

  private filter() {
    return streamNameFilter({ prefixes: this.names.categoryPrefixes() });
  }

  private decode(resolved: AllStreamResolvedEvent | ResolvedEvent): Decoded {
    const event = resolved.event;
    if (!event) return undefined;
    const stream = this.names.fromServer(event.streamId);
    return stream === undefined ? undefined : recordedEventOf(stream, event);
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreClosedError(this.label);
  }
}

/** The connection string without credentials, for messages. */
function redactedConnection(connectionString: string): string {
  return connectionString.replace(/\/\/[^@/]*@/, '//');
}

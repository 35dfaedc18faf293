import {
  SignedReceiptSchema,
  parseInput,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SignedReceipt,
  type SubscribeOptions,
} from '@dotscience/core';
import { parseAppend } from '@dotscience/core/store-kit';
import { Observable, type Subscriber } from 'rxjs';
import { z } from 'zod';
import { hubPaths } from '../wire/hub-routes.js';
import { CHAIN_ANSWER, EventPageEnvelopeSchema } from '../wire/wire-schemas.js';
import { acceptAppendChain, appendRequestBody, canonicalTextsOf } from './append-receipts.js';
import { parseRecordedEvents } from './recorded-events.js';
import { receiptOfAnswer } from './signed-receipts.js';
import { HubClientClosedError, HubConnection, type HubClientOptions } from './hub-connection.js';
import { followEvents } from './event-source-reader.js';

const PAGE = 1000;
const collect = async (events: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
};
const ReadOptionsSchema = z.object({
  fromRevision: z.number().int().nonnegative().optional(),
  fromPosition: z.number().int().nonnegative().optional(),
  maxCount: z.number().int().nonnegative().optional(),
});

/**
 * The EventStore port over a hub: appends are one POST each (the batch is the
 * append), reads page through the log, `subscribe` follows the hub's
 * Server-Sent Events and resumes after the last position it delivered when the
 * connection drops. The hub's store seals events, so chains are the hub's.
 */
export class HttpEventStore implements EventStore {
  readonly connection: HubConnection;
  private readonly subscribers = new Set<Subscriber<RecordedEvent>>();
  /** The hub's receipts of this store's appends, once `keepReceipts` was called (a long-lived writer that keeps none holds none). */
  private kept: SignedReceipt[] | undefined;

  constructor(options: HubClientOptions | HubConnection) {
    this.connection = options instanceof HubConnection ? options : new HubConnection(options);
  }

  async append(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    this.assertOpen();
    const { events: parsed, expected } = parseAppend(stream, events, options);
    const project = await this.connection.project();
    const path = `${hubPaths.stream(project, stream)}?${CHAIN_ANSWER}`;
    const texts = canonicalTextsOf(stream, parsed);
    const answer = await this.connection.jsonAnswer({ method: 'POST', path, body: appendRequestBody(texts, expected) });
    const result = await acceptAppendChain(stream, parsed, texts, answer, `hub answer to POST ${path}`, (fromRevision, maxCount) =>
      collect(this.readStream(stream, { fromRevision, maxCount })),
    );
    if (this.kept) {
      const receipt = receiptOfAnswer(answer, stream, result);
      if (receipt) this.kept.push(receipt);
    }
    return result;
  }

  /** From now on, keep the hub's signed receipts of this store's appends until they are taken. */
  keepReceipts(): void {
    this.kept ??= [];
  }

  /** The receipts kept since the last call (each checked: see receiptOfAnswer), for the caller to store. */
  takeReceipts(): SignedReceipt[] {
    const taken = this.kept ?? [];
    if (this.kept) this.kept = [];
    return taken;
  }

  /** The hub's signed receipts of the accepted appends to `stream` (who made each: the token's id and label). */
  async receiptsOf(stream: string): Promise<SignedReceipt[]> {
    this.assertOpen();
    const project = await this.connection.project();
    const path = hubPaths.receipts(project);
    const answer = await this.connection.jsonAnswer({ method: 'GET', path, query: { stream } });
    return parseInput(z.object({ receipts: z.array(SignedReceiptSchema) }), answer, `hub answer to GET ${path}`).receipts;
  }

  /** The project's log head as the hub signs it now (undefined: the hub keeps no signing key). */
  async signedHead(): Promise<SignedReceipt | undefined> {
    this.assertOpen();
    const project = await this.connection.project();
    try {
      return parseInput(
        SignedReceiptSchema,
        await this.connection.jsonAnswer({ method: 'GET', path: hubPaths.head(project) }),
        `hub answer to GET ${hubPaths.head(project)}`,
      );
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw error;
    }
  }

  async *readStream(stream: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const parsed = parseInput(ReadOptionsSchema, options, `readStream options of ${stream}`);
    const project = await this.connection.project();
    yield* this.pages(hubPaths.stream(project, stream), 'fromRevision', parsed.fromRevision ?? 0, parsed.maxCount);
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const parsed = parseInput(ReadOptionsSchema, options, 'readAll options');
    const project = await this.connection.project();
    yield* this.pages(hubPaths.all(project), 'fromPosition', parsed.fromPosition ?? 0, parsed.maxCount);
  }

  subscribe(options: SubscribeOptions = {}): Observable<RecordedEvent> {
    return new Observable<RecordedEvent>((subscriber) => {
      if (this.connection.isClosed) {
        subscriber.complete();
        return;
      }
      this.subscribers.add(subscriber);
      const abort = new AbortController();
      followEvents(this.connection, options.fromPosition ?? 0, abort.signal, (event) => subscriber.next(event)).then(
        () => subscriber.complete(),
        (error: unknown) => (this.connection.isClosed || abort.signal.aborted ? subscriber.complete() : subscriber.error(error)),
      );
      return () => {
        this.subscribers.delete(subscriber);
        abort.abort();
      };
    });
  }

  async close(): Promise<void> {
    this.connection.close();
    for (const subscriber of [...this.subscribers]) subscriber.complete();
    this.subscribers.clear();
  }

  private async *pages(path: string, cursor: 'fromRevision' | 'fromPosition', from: number, maxCount: number | undefined): AsyncIterable<RecordedEvent> {
    let next: number | undefined = from;
    let remaining = maxCount ?? Infinity;
    while (next !== undefined && remaining > 0) {
      this.assertOpen();
      const answer = await this.connection.jsonAnswer({ method: 'GET', path, query: { [cursor]: next, maxCount: Math.min(PAGE, remaining) } });
      const subject = `hub answer to GET ${path}`;
      const page = parseInput(EventPageEnvelopeSchema, answer, subject);
      for (const event of parseRecordedEvents(page.events, subject, 'events')) yield event;
      remaining -= page.events.length;
      next = page.next;
    }
  }

  private assertOpen(): void {
    if (this.connection.isClosed) throw new HubClientClosedError();
  }
}

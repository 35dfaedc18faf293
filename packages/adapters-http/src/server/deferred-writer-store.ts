import { defer, from, mergeMap, type Observable } from 'rxjs';
import {
  isHeadKeepingLog,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type HeadKeepingLog,
  type LogHead,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
} from '@dotscience/core';

/**
 * A project's log on the hub that answers reads at once and takes appends only
 * through a writer whose open checked the log (D166).
 *
 * Reads go to a reader opened cheaply (an fs log read-only by position, D146)
 * until the writer is open, then to the writer; the reader is closed once the
 * reads it serves are done. The writer is opened by the first `writable()`
 * (an append, a signed head, or the hub in the background once it listens):
 * its open checks every record its index snapshot covers (D115) and takes the
 * lock between processes. Appends and subscriptions wait for it; a writer that
 * cannot be opened (a damaged log, a lock another process holds) fails what
 * waited for it, and the next call tries again.
 */
export class DeferredWriterStore implements EventStore, HeadKeepingLog {
  private reader: EventStore | undefined;
  private readerReads = 0;
  private readerClosed: Promise<void> = Promise.resolve();
  private writer: EventStore | undefined;
  private opening: Promise<EventStore> | undefined;
  private closed = false;

  constructor(
    reader: EventStore,
    private readonly openWriter: () => Promise<EventStore>,
  ) {
    this.reader = reader;
  }

  /** The writer, opened (and the log checked) on the first call. */
  writable(): Promise<EventStore> {
    if (this.writer) return Promise.resolve(this.writer);
    if (this.closed) return Promise.reject(new Error('the project’s event store was closed'));
    this.opening ??= this.openWriter().then(
      (writer) => {
        this.writer = writer;
        this.retireReader();
        return writer;
      },
      (error: unknown) => {
        this.opening = undefined;
        throw error;
      },
    );
    return this.opening;
  }

  /** Whether the writer is open (every read and append goes to it). */
  get isWritable(): boolean {
    return this.writer !== undefined;
  }

  async append(stream: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    return (await this.writable()).append(stream, events, options);
  }

  readStream(stream: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent> {
    return this.read((store) => store.readStream(stream, options));
  }

  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent> {
    return this.read((store) => store.readAll(options));
  }

  /** Live events come from the writer (at once, where a reader would poll the files). */
  subscribe(options?: SubscribeOptions): Observable<RecordedEvent> {
    return defer(() => from(this.writable())).pipe(mergeMap((writer) => writer.subscribe(options)));
  }

  /** The writer's head; undefined until it is open (a signed head waits for `writable()`). */
  logHead(): LogHead | undefined {
    const writer = this.writer;
    return writer && isHeadKeepingLog(writer) ? writer.logHead() : undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    const reader = this.reader;
    this.reader = undefined;
    const writer = await this.opening?.catch(() => undefined);
    await Promise.all([reader?.close(), this.readerClosed, writer?.close()]);
  }

  private async *read(open: (store: EventStore) => AsyncIterable<RecordedEvent>): AsyncGenerator<RecordedEvent> {
    const { writer, reader } = this;
    if (writer) return yield* open(writer);
    if (!reader) throw new Error('the project’s event store was closed');
    this.readerReads++;
    try {
      yield* open(reader);
    } finally {
      this.readerReads--;
      this.retireReader();
    }
  }

  /** Closes the reader once the writer serves the reads and none is still reading from it. */
  private retireReader(): void {
    const reader = this.reader;
    if (!reader || !this.writer || this.readerReads > 0) return;
    this.reader = undefined;
    this.readerClosed = reader.close();
    // Awaited by close(), which reports its failure; not an unhandled rejection meanwhile.
    this.readerClosed.catch(() => undefined);
  }
}

/** The store appends go to: the writer of a deferred store (opened, the log checked), any other store as it is. */
export function writableEvents(events: EventStore): Promise<EventStore> {
  return events instanceof DeferredWriterStore ? events.writable() : Promise.resolve(events);
}

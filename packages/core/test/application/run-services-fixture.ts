import { DataPathNotFoundError } from '../../src/errors/data-errors.js';
import type { VersionRef } from '../../src/events/catalogue.js';
import type { RecordedEvent } from '../../src/events/envelope.js';
import { sha256Digest } from '../../src/data/manifest.js';
import type { RunServices } from '../../src/index.js';
import type { DataStore, VersionStat } from '../../src/ports/data-store.js';
import type { AppendOptions, AppendResult, EventStore } from '../../src/ports/event-store.js';
import type { NewEvent } from '../../src/events/envelope.js';
import { InMemoryEventStore } from '../../src/testing/in-memory-event-store.js';

/** A DataStore double over an in-memory map of paths → file content. */
export class MemoryDataStore implements DataStore {
  readonly kind = 'mem';
  readonly files = new Map<string, string>();
  readonly captured: string[] = [];

  write(path: string, content: string): void {
    this.files.set(path, content);
  }

  async capture(path: string): Promise<VersionRef> {
    const content = this.files.get(path);
    if (content === undefined) throw new DataPathNotFoundError(path);
    this.captured.push(path);
    return { store: 'mem', digest: sha256Digest(content), kind: 'file', bytes: Buffer.byteLength(content), files: 1 };
  }

  async materialize(): Promise<void> {
    throw new Error('not used by these tests');
  }

  async has(ref: VersionRef): Promise<boolean> {
    return [...this.files.values()].some((c) => sha256Digest(c) === ref.digest);
  }

  async stat(ref: VersionRef): Promise<VersionStat | undefined> {
    return (await this.has(ref)) ? { kind: 'file', bytes: ref.bytes, files: 1 } : undefined;
  }

  async digestOf(ref: VersionRef): Promise<string> {
    return ref.digest!;
  }
}

/**
 * An EventStore that lets a test step in before an append reaches the store
 * (to make another writer win a race, or to fail like a lost connection).
 */
export class InterceptedEventStore extends InMemoryEventStore {
  appends: Array<{ stream: string; count: number }> = [];
  /** Each append's first event type and whether it asked to be durable at once ('durable') or deferred. */
  durabilities: Array<{ first: string; durability: 'durable' | 'deferred' }> = [];
  reads = 0;
  beforeAppend: ((stream: string, events: readonly NewEvent[]) => Promise<void> | void) | undefined;

  override async append(stream: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    const hook = this.beforeAppend;
    if (hook) await hook(stream, events);
    const result = await super.append(stream, events, options);
    this.appends.push({ stream, count: events.length });
    this.durabilities.push({ first: events[0]?.type ?? '', durability: options?.durability ?? 'durable' });
    return result;
  }

  override readStream(stream: string, options?: Parameters<EventStore['readStream']>[1]): AsyncIterable<RecordedEvent> {
    this.reads++;
    return super.readStream(stream, options);
  }

  async streamEvents(stream: string): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    for await (const e of super.readStream(stream)) out.push(e);
    return out;
  }

  async allEvents(): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    for await (const e of this.readAll()) out.push(e);
    return out;
  }
}

export interface TestServices extends RunServices {
  events: InterceptedEventStore;
  data: MemoryDataStore;
}

/** Ports for application tests: a deterministic clock and ids, fixed code version and environment. */
export function testServices(): TestServices {
  let tick = 0;
  let id = 0;
  return {
    events: new InterceptedEventStore(() => '2026-02-01T00:00:00.000Z'),
    data: new MemoryDataStore(),
    clock: { now: () => new Date(Date.UTC(2026, 1, 1, 0, 0, tick++)).toISOString() },
    ids: { newId: () => `00000000-0000-4000-8000-${(++id).toString(16).padStart(12, '0')}` },
    code: { inspect: async (_cwd, script) => ({ gitCommit: 'c0ffee', dirty: false, ...(script ? { scriptDigest: `sha256:${'1'.repeat(64)}` } : {}) }) },
    environment: {
      describe: async () => ({ runtime: 'node 20', os: 'linux', host: 'box', user: 'ada' }),
      describeProcess: () => ({ runtime: 'node 20', os: 'linux', host: 'box', user: 'ada' }),
    },
  };
}

export const types = (events: readonly RecordedEvent[]): string[] => events.map((e) => e.type);

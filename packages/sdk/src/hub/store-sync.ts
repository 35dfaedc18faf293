import {
  AppendRefusedError,
  atHead,
  DotscienceError,
  ManifestSchema,
  VersionRefSchema,
  type AdmittedEvents,
  type AppendGate,
  type EventStore,
  type JsonValue,
  type ObjectStorage,
  type RecordedEvent,
} from '@dotscience/core';

/** Events and data objects of one side of a sync. */
export interface SyncSide {
  events: EventStore;
  objects: ObjectStorage & { missing?(digests: readonly string[]): Promise<string[]> };
}

export interface SyncProgress {
  phase: 'objects' | 'events';
  done: number;
  total: number;
}

export interface SyncReport {
  streams: number;
  /** Events the target did not have and now has. */
  eventsCopied: number;
  /** Events the target already had (same id and hash). */
  eventsPresent: number;
  objectsCopied: number;
  bytesCopied: number;
  /** Objects an event refers to that the source itself does not hold (left out; materialize them where they were captured). */
  objectsUnavailable: string[];
  /**
   * Events the target's gate refused (a rule of the catalogue or of their stream): each is
   * the first refused event of its stream; it and the rest of that stream were not copied.
   */
  refused: RefusedEvent[];
}

/** An event of the source the target's append gate refused, and why. */
export interface RefusedEvent {
  stream: string;
  revision: number;
  id: string;
  type: string;
  rule: string;
  reason: string;
  /** Events of the stream left out: this one and every one after it. */
  leftOut: number;
}

/** The target holds a different event at a revision the source also has: the two logs diverged. */
export class SyncConflictError extends DotscienceError {
  readonly code = 'SYNC_CONFLICT';
  constructor(
    readonly stream: string,
    readonly revision: number,
    readonly sourceId: string,
    readonly targetId: string,
  ) {
    super(`stream ${stream} revision ${revision}: the source has event ${sourceId} but the target has ${targetId} — the logs diverged; nothing more of this stream was copied (inspect both with ds show / ds export)`);
  }
}

/** The target sealed a copied event with another hash than the source: the chain would not be the same. */
export class SyncChainError extends DotscienceError {
  readonly code = 'SYNC_CHAIN_MISMATCH';
  constructor(
    readonly stream: string,
    readonly revision: number,
  ) {
    super(`stream ${stream} revision ${revision}: the target recorded a different hash than the source — run ds audit verify on both sides`);
  }
}

const APPEND_BATCH = 1000;
const PARALLEL = 8;

/** Every data version referenced in the events' data, found by shape (as gc does). */
function referencedDigests(events: readonly RecordedEvent[]): Map<string, 'file' | 'directory'> {
  const found = new Map<string, 'file' | 'directory'>();
  const visit = (value: JsonValue): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) return value.forEach(visit);
    const ref = VersionRefSchema.safeParse(value);
    if (ref.success && ref.data.digest !== undefined) found.set(ref.data.digest, ref.data.kind);
    Object.values(value).forEach(visit);
  };
  for (const e of events) visit(e.data);
  return found;
}

async function readText(objects: ObjectStorage, digest: string): Promise<string | undefined> {
  const found = await objects.readObject(digest);
  if (!found) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of found.stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

/** Every object of the versions (manifests expanded from the source); missing ones at the source are reported, not copied. */
async function objectsToCopy(source: ObjectStorage, versions: Map<string, 'file' | 'directory'>, unavailable: string[]): Promise<string[]> {
  const ordered: string[] = [];
  const seen = new Set<string>();
  const visit = async (digest: string, kind: 'file' | 'directory'): Promise<void> => {
    if (seen.has(digest)) return;
    seen.add(digest);
    if (kind === 'directory') {
      const text = await readText(source, digest);
      if (text === undefined) return void unavailable.push(digest);
      for (const entry of ManifestSchema.parse(JSON.parse(text)).entries) {
        if (entry.type !== 'symlink') await visit(entry.digest, entry.type);
      }
    } else if (!(await source.hasObject(digest))) return void unavailable.push(digest);
    ordered.push(digest);
  };
  for (const [digest, kind] of versions) await visit(digest, kind);
  return ordered;
}

async function missingOn(target: SyncSide['objects'], digests: string[]): Promise<Set<string>> {
  if (target.missing) return new Set(await target.missing(digests));
  const present = await Promise.all(digests.map((d) => target.hasObject(d)));
  return new Set(digests.filter((_, i) => !present[i]));
}

async function inLanes<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, lane));
}

/** What a sync checks the copied events with: the target's append gate, when the target did not decide them (a pull). */
export interface SyncOptions {
  onProgress?: (progress: SyncProgress) => void;
  /** The target's gate: each batch is checked before it is appended; a refused event and the rest of its stream are left out and reported. */
  gate?: AppendGate;
}

/**
 * Copy what `target` lacks of `source`: data objects first (so no copied event
 * refers to data the target lacks), then each stream's missing events at their
 * recorded revisions with their ids — idempotent (present events are skipped,
 * a retried append is recognised by its ids) and resumable after an
 * interruption (the next run starts from what the target has). Every copied
 * event must come back with the source's hash, so the chain is the same.
 * With a gate, an event it refuses is not copied, nor anything after it in its
 * stream (their hashes chain through it): the report names it.
 */
export async function syncStores(source: SyncSide, target: SyncSide, options: SyncOptions = {}): Promise<SyncReport> {
  const { onProgress, gate } = options;
  const byStream = new Map<string, RecordedEvent[]>();
  for await (const e of source.events.readAll()) {
    const list = byStream.get(e.stream);
    if (list) list.push(e);
    else byStream.set(e.stream, [e]);
  }
  const toCopy: RecordedEvent[][] = [];
  let present = 0;
  for (const [stream, events] of byStream) {
    let head = -1;
    for await (const existing of target.events.readStream(stream)) {
      const mine = events[existing.revision];
      if (mine && (mine.id !== existing.id || mine.hash !== existing.hash)) throw new SyncConflictError(stream, existing.revision, mine.id, existing.id);
      head = existing.revision;
    }
    const missing = events.slice(head + 1);
    present += events.length - missing.length;
    if (missing.length > 0) toCopy.push(missing);
  }

  const unavailable: string[] = [];
  const wanted = await objectsToCopy(source.objects, referencedDigests(toCopy.flat()), unavailable);
  const lacking = await missingOn(target.objects, wanted);
  const objects = wanted.filter((d) => lacking.has(d));
  let objectsDone = 0;
  let bytesCopied = 0;
  onProgress?.({ phase: 'objects', done: 0, total: objects.length });
  const copyOne = async (digest: string): Promise<void> => {
    const found = await source.objects.readObject(digest);
    if (!found) return void unavailable.push(digest);
    await target.objects.writeObject(digest, found.stream as AsyncIterable<Uint8Array>);
    bytesCopied += found.size;
    onProgress?.({ phase: 'objects', done: ++objectsDone, total: objects.length });
  };
  await inLanes(objects, copyOne);

  const total = toCopy.reduce((n, list) => n + list.length, 0);
  let copied = 0;
  const refused: RefusedEvent[] = [];
  onProgress?.({ phase: 'events', done: 0, total });
  const append = async (batch: readonly RecordedEvent[]): Promise<void> => {
    if (batch.length === 0) return;
    const result = await target.events.append(
      batch[0]!.stream,
      batch.map(({ id, type, schemaVersion, data, meta }) => ({ id, type, schemaVersion, data, meta })),
      { expectedRevision: batch[0]!.revision - 1 },
    );
    result.events.forEach((recorded, k) => {
      if (recorded.hash !== batch[k]!.hash || recorded.revision !== batch[k]!.revision) throw new SyncChainError(recorded.stream, recorded.revision);
    });
    copied += batch.length;
    onProgress?.({ phase: 'events', done: copied, total });
  };
  for (const events of toCopy) {
    for (let i = 0; i < events.length; i += APPEND_BATCH) {
      const batch = events.slice(i, i + APPEND_BATCH);
      if (!gate) {
        await append(batch);
        continue;
      }
      const verdict = await admission(gate, batch);
      if (!(verdict instanceof AppendRefusedError)) {
        await append(batch);
        gate.remember(atHead(verdict, batch[batch.length - 1]!.hash));
        continue;
      }
      const stop = verdict;
      await append(batch.slice(0, stop.index));
      const first = batch[stop.index]!;
      refused.push({ stream: first.stream, revision: first.revision, id: first.id, type: first.type, rule: stop.rule, reason: stop.reason, leftOut: events.length - (i + stop.index) });
      break;
    }
  }
  return { streams: byStream.size, eventsCopied: copied, eventsPresent: present, objectsCopied: objectsDone, bytesCopied, objectsUnavailable: unavailable, refused };
}

/** What the gate admits of the batch: all of it (the stream's state after it), or the refusal (which event, which rule). */
async function admission(gate: AppendGate, batch: readonly RecordedEvent[]): Promise<AdmittedEvents | AppendRefusedError> {
  try {
    return await gate.check(batch[0]!.stream, batch.map(({ id, type, schemaVersion, data, meta }) => ({ id, type, schemaVersion, data, meta })));
  } catch (error) {
    if (error instanceof AppendRefusedError) return error;
    throw error;
  }
}

import {
  AppendRefusedError,
  atHead,
  DotscienceError,
  ManifestSchema,
  VersionRefSchema,
  type AdmittedEvents,
  type AppendGate,
  type EventStore,
  WrongExpectedRevisionError,
  type JsonValue,
  type NewEvent,
  type ObjectStorage,
  type RecordedEvent,
} from '@dotscience/core';
import { asNew, planStream, type StreamConflict, type StreamPlan } from './sync-plan.js';

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
  /** Local dataset/model versions the target numbered and settled (a push; docs/decisions.md D104). */
  versionsSettled: number;
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
  /** Toward the hub: each local dataset/model version goes as the hub's copy settling it (D104). */
  settleVersions?: boolean;
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
  const plans: StreamPlan[] = [];
  const refused: RefusedEvent[] = [];
  let present = 0;
  for (const [stream, events] of byStream) {
    const planned = await planStream(stream, events, target.events, options.settleVersions ?? false);
    present += planned.present;
    if (planned.plan) plans.push(planned.plan);
    if (planned.conflict) refused.push(conflictRefusal(planned.conflict));
  }
  // Streams with one writer first: a version's producing run is then on the target before the version.
  plans.sort((x, y) => Number(x.kind === 'merge') - Number(y.kind === 'merge'));
  const toCopy = plans.map((p) => (p.kind === 'exact' ? p.events : p.events.map((m) => m.source)));

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
  onProgress?.({ phase: 'events', done: 0, total });
  const progressed = (n: number): void => {
    copied += n;
    onProgress?.({ phase: 'events', done: copied, total });
  };
  let settled = 0;
  for (const plan of plans) {
    const refusal = await copyStream(plan, target.events, gate, progressed);
    if (refusal) refused.push(refusal);
    if (plan.kind === 'merge' && options.settleVersions) settled += plan.events.length - (refusal?.leftOut ?? 0);
  }
  return {
    streams: byStream.size,
    eventsCopied: copied,
    eventsPresent: present,
    versionsSettled: settled,
    objectsCopied: objectsDone,
    bytesCopied,
    objectsUnavailable: unavailable,
    refused,
  };
}

function conflictRefusal(c: StreamConflict): RefusedEvent {
  return {
    stream: c.stream,
    revision: c.revision,
    id: c.sourceId,
    type: 'event',
    rule: 'SYNC_CONFLICT',
    reason: `the other side holds event ${c.targetId} at this revision: the logs of a stream with one writer diverged (was a run recorded in two stores under one id?); inspect both with ds show and ds export`,
    leftOut: c.leftOut,
  };
}

/**
 * Append one stream's plan in batches: checked by the gate when there is one, or refused by
 * the target's own gate (the hub's). A refusal stops this stream only: the report names the
 * first event left out, the rule and what to do; the other streams are copied.
 */
async function copyStream(
  plan: StreamPlan,
  target: EventStore,
  gate: AppendGate | undefined,
  progressed: (n: number) => void,
): Promise<RefusedEvent | undefined> {
  const sources = plan.kind === 'exact' ? plan.events : plan.events.map((m) => m.source);
  const proposals = plan.kind === 'exact' ? plan.events.map(asNew) : plan.events.map((m) => m.event);
  let after = plan.kind === 'exact' ? plan.events[0]!.revision - 1 : plan.after;
  for (let i = 0; i < proposals.length; i += APPEND_BATCH) {
    let batch = proposals.slice(i, i + APPEND_BATCH);
    let stop: AppendRefusedError | undefined;
    let admitted: AdmittedEvents | undefined;
    if (gate) {
      const verdict = await admission(gate, plan.stream, batch, after);
      if (verdict instanceof AppendRefusedError) {
        stop = verdict;
        batch = batch.slice(0, verdict.index);
      } else admitted = verdict;
    }
    try {
      if (batch.length > 0) {
        const result = await target.append(plan.stream, batch, { expectedRevision: after });
        if (plan.kind === 'exact') {
          result.events.forEach((recorded, k) => {
            if (recorded.hash !== sources[i + k]!.hash || recorded.revision !== sources[i + k]!.revision)
              throw new SyncChainError(recorded.stream, recorded.revision);
          });
        }
        const last = result.events[result.events.length - 1]!;
        if (gate && admitted) gate.remember(atHead(admitted, last.hash));
        after = last.revision;
        progressed(batch.length);
      }
    } catch (error) {
      if (error instanceof AppendRefusedError)
        stop = new AppendRefusedError(error.stream, i + error.index, error.eventId, error.eventType, error.rule, error.reason);
      else if (error instanceof WrongExpectedRevisionError)
        stop = new AppendRefusedError(
          plan.stream,
          i,
          batch[0]!.id,
          batch[0]!.type,
          'SYNC_CONFLICT',
          'the other side was written while copying; run the command again',
        );
      else throw error;
      const at = sources[stop.index];
      return refusalOf(stop, at, proposals.length - stop.index);
    }
    if (stop) return refusalOf(stop, sources[i + stop.index], proposals.length - (i + stop.index));
  }
  return undefined;
}

function refusalOf(stop: AppendRefusedError, source: RecordedEvent | undefined, leftOut: number): RefusedEvent {
  return {
    stream: stop.stream,
    revision: source?.revision ?? -1,
    id: source?.id ?? stop.eventId,
    type: stop.eventType,
    rule: stop.rule,
    reason: `${stop.reason} — ${advice(stop.rule)}`,
    leftOut,
  };
}

/** What to do about a refused stream, by the rule that refused it. */
function advice(rule: string): string {
  if (rule === 'SYNC_CONFLICT') return 'run the command again; if it persists, compare the stream on both sides with ds show';
  if (rule === 'PRODUCING_RUN_UNKNOWN') return 'the producing run was not copied (see its own refusal above); fix that run, then run the command again';
  if (rule.startsWith('VERSION_')) return 'pull, then push again (the hub numbers versions as it records them)';
  return 'the rest of the store was copied; fix or leave out this stream (ds export --stream) and run the command again';
}

/** What the gate admits of the batch: all of it (the stream's state after it), or the refusal (which event, which rule). */
async function admission(gate: AppendGate, stream: string, batch: readonly NewEvent[], after: number): Promise<AdmittedEvents | AppendRefusedError> {
  try {
    return await gate.check(stream, batch, undefined, after);
  } catch (error) {
    if (error instanceof AppendRefusedError) return error;
    throw error;
  }
}

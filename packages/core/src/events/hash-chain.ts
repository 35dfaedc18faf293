import { hash as digest } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import { flattened } from './fast/flat-string.js';
import { GENESIS_HASH, type NewEvent, type RecordedEvent } from './envelope.js';

/** The fields the hash covers. Position and recordedAt are store-local and excluded, so a migrated event keeps its hash. */
export interface HashedFields {
  id: string;
  type: string;
  schemaVersion: number;
  stream: string;
  revision: number;
  data: unknown;
  meta: unknown;
}

/** The canonical JSON text of each hashed field, as `canonicalJson` writes it. */
export interface CanonicalFields {
  data: string;
  id: string;
  meta: string;
  revision: string;
  schemaVersion: string;
  stream: string;
  type: string;
}

/**
 * Each hashed field written as canonical JSON, so a store can build both the hashed
 * body and its own record from the same texts. Throws a TypeError naming the path
 * from the top (`$.data…`) when a field cannot be written.
 */
export function canonicalFields(e: HashedFields): CanonicalFields {
  const { id, type, schemaVersion, stream, revision, data, meta } = e;
  try {
    return {
      data: canonicalJson(data),
      id: canonicalJson(id),
      meta: canonicalJson(meta),
      revision: canonicalJson(revision),
      schemaVersion: canonicalJson(schemaVersion),
      stream: canonicalJson(stream),
      type: canonicalJson(type),
    };
  } catch {
    return canonicalJson({ id, type, schemaVersion, stream, revision, data, meta }) as never; // throws again, naming the path from $
  }
}

/** canonicalJson({ data, id, meta, revision, schemaVersion, stream, type }) from the fields' texts: the keys already in sorted order. */
export function bodyOf(f: CanonicalFields): string {
  return `{"data":${f.data},"id":${f.id},"meta":${f.meta},"revision":${f.revision},"schemaVersion":${f.schemaVersion},"stream":${f.stream},"type":${f.type}}`;
}

/** The canonical JSON the hash covers: id, type, schemaVersion, stream, revision, data, meta (keys sorted). */
export function hashedBody(e: HashedFields): string {
  const { id, type, schemaVersion, stream, revision, data, meta } = e;
  if (
    id === undefined ||
    type === undefined ||
    schemaVersion === undefined ||
    stream === undefined ||
    revision === undefined ||
    data === undefined ||
    meta === undefined
  ) {
    // A missing field is left out, as canonicalJson leaves out undefined values.
    return canonicalJson({ id, type, schemaVersion, stream, revision, data, meta });
  }
  return bodyOf(canonicalFields(e));
}

/** sha256(prevHash ‖ body), hex; one-shot (crypto.hash), which costs half of a createHash object per event. */
export function chainHash(prevHash: string, body: string): string {
  return digest('sha256', prevHash + body, 'hex');
}

/**
 * `chainHash(prevHash, bodyOf(fields))`, with prevHash and the body built as one text and
 * flattened once before hashing (not the body flattened, then joined to prevHash and flattened again).
 */
export function chainHashOfFields(prevHash: string, fields: CanonicalFields): string {
  return digest('sha256', flattened(prevHash + bodyOf(fields)), 'hex');
}

/** hash = sha256(prevHash ‖ canonical JSON of id, type, schemaVersion, stream, revision, data, meta) */
export function eventHash(prevHash: string, e: HashedFields): string {
  return chainHash(prevHash, hashedBody(e));
}

export type SealedEvent = NewEvent & { stream: string; revision: number; prevHash: string; hash: string };

/**
 * Seal new events onto a stream whose head is at `headRevision` with hash `headHash`
 * (-1 / GENESIS_HASH for an empty stream). Returns each event with its revision and hashes.
 * Every store adapter uses this, so every store computes identical chains.
 */
export function chainEvents(stream: string, headRevision: number, headHash: string, events: readonly NewEvent[]): SealedEvent[] {
  let prevHash = headHash;
  const sealed = new Array<SealedEvent>(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const revision = headRevision + 1 + i;
    const hash = chainHash(prevHash, hashedBody({ id: e.id, type: e.type, schemaVersion: e.schemaVersion, stream, revision, data: e.data, meta: e.meta }));
    sealed[i] = { ...e, stream, revision, prevHash, hash };
    prevHash = hash;
  }
  return sealed;
}

export type ChainBreakReason = 'hash-mismatch' | 'prev-hash-mismatch' | 'revision-gap' | 'revision-out-of-order' | 'duplicate-revision' | 'seal-mismatch';

export interface ChainBreak {
  stream: string;
  revision: number;
  position: number;
  reason: ChainBreakReason;
  message: string;
}

export type ChainVerdict = { ok: true; streams: number; events: number } | { ok: false; break: ChainBreak };

/**
 * Verify per-stream hash chains over a sequence of recorded events (any mix of
 * streams, in global order). Returns the first event — in the order given — that
 * breaks its stream's chain, and why.
 */
export function verifyChain(events: Iterable<RecordedEvent>): ChainVerdict {
  const verifier = new ChainVerifier();
  for (const e of events) {
    const br = verifier.check(e);
    if (br) return { ok: false, break: br };
  }
  return verifier.verdict();
}

/** Incremental form of verifyChain, for async sources (`readAll`). */
export class ChainVerifier {
  private readonly heads = new Map<string, { revision: number; hash: string }>();
  private count = 0;

  check(e: RecordedEvent): ChainBreak | undefined {
    this.count++;
    const head = this.heads.get(e.stream) ?? { revision: -1, hash: GENESIS_HASH };
    const fail = (reason: ChainBreakReason, detail: string): ChainBreak => ({
      stream: e.stream,
      revision: e.revision,
      position: e.position,
      reason,
      message: `stream ${e.stream} revision ${e.revision} (position ${e.position}): ${detail}`,
    });
    if (e.revision !== head.revision + 1) {
      if (e.revision <= head.revision) {
        return fail(
          e.revision === head.revision ? 'duplicate-revision' : 'revision-out-of-order',
          `expected revision ${head.revision + 1} but found ${e.revision} again or out of order — events were reordered or duplicated`,
        );
      }
      return fail('revision-gap', `expected revision ${head.revision + 1} — ${e.revision - head.revision - 1} event(s) are missing before it`);
    }
    if (e.prevHash !== head.hash) {
      return fail(
        'prev-hash-mismatch',
        `prevHash ${e.prevHash.slice(0, 12)}… does not match the previous event's hash ${head.hash.slice(0, 12)}… — an event before it was removed, replaced or reordered`,
      );
    }
    const expected = eventHash(e.prevHash, e);
    if (expected !== e.hash) {
      return fail(
        'hash-mismatch',
        `content does not match its hash (recomputed ${expected.slice(0, 12)}…, recorded ${e.hash.slice(0, 12)}…) — the event was altered after it was recorded`,
      );
    }
    if (e.type === 'RunPublished') {
      const seal = (e.data as { headHash?: unknown } | null)?.headHash;
      if (seal !== e.prevHash) {
        return fail(
          'seal-mismatch',
          `the run's seal (headHash ${String(seal).slice(0, 12)}…) does not match the hash of the event before it (${e.prevHash.slice(0, 12)}…) — the run was altered after it was published`,
        );
      }
    }
    this.heads.set(e.stream, { revision: e.revision, hash: e.hash });
    return undefined;
  }

  verdict(): ChainVerdict & { ok: true } {
    return { ok: true, streams: this.heads.size, events: this.count };
  }

  headOf(stream: string): { revision: number; hash: string } | undefined {
    return this.heads.get(stream);
  }
}

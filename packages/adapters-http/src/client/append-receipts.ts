import {
  BatchCanonicalFields,
  canonicalJson,
  chainHashOfFields,
  eventHash,
  parseInput,
  TimestampSchema,
  type AppendResult,
  type CanonicalFields,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
} from '@dotscience/core';
import { z } from 'zod';
import { AppendReceiptsResponseSchema, type AppendReceiptsResponse, type EventReceipt } from '../wire/wire-schemas.js';
import { checkPlaces, parseAppendAnswer, refusalOf } from './append-answer.js';

/** Reads `count` recorded events of the stream appended to, from `fromRevision`. */
export type ReadBack = (fromRevision: number, count: number) => Promise<RecordedEvent[]>;

/**
 * The canonical texts of the hashed fields of each event sent to `stream`, its
 * revision still to be set: what proving the receipts needs apart from the
 * store's answer, and what the request body is written from. The stream is
 * written once, and a type or meta equal to the previous event's reuses its text.
 */
export function canonicalTextsOf(stream: string, sent: readonly NewEvent[]): CanonicalFields[] {
  const batch = new BatchCanonicalFields(stream);
  const texts = new Array<CanonicalFields>(sent.length);
  for (let i = 0; i < sent.length; i++) {
    const { id, type, schemaVersion, data, meta } = sent[i]!;
    texts[i] = batch.of({ id, type, schemaVersion, revision: 0, data, meta });
  }
  return texts;
}

/**
 * The append request's JSON body written from the events' canonical texts, so each
 * event is written once for both the request and the proof (canonical JSON is JSON).
 */
export function appendRequestBody(texts: readonly CanonicalFields[], expectedRevision: ExpectedRevision): string {
  const events = new Array<string>(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const f = texts[i]!;
    events[i] = `{"data":${f.data},"id":${f.id},"meta":${f.meta},"schemaVersion":${f.schemaVersion},"type":${f.type}}`;
  }
  return `{"events":[${events.join(',')}],"expectedRevision":${JSON.stringify(expectedRevision)}}`;
}

/**
 * The hub's receipts for an append of `sent` to `stream` (`?answer=receipts`),
 * turned into the AppendResult the EventStore port promises: the recorded events.
 *
 * The receipts are parsed and checked like a full answer (one per event sent, its
 * id, consecutive revisions, increasing positions, hash links). Then each event's
 * hash is recomputed from the event sent, the stream, the receipt's revision and
 * prevHash: when every hash matches, what was recorded is what was sent, and the
 * events are built from `sent` and the receipts. When one does not — an
 * idempotent retry whose first attempt carried other data, a normalisation on the
 * way, a tampered answer — the recorded events are read back and must be a
 * consistent answer whose every hash recomputes and that agrees with each receipt
 * field for field. Anything else is an InvalidInputError naming the field.
 */
export async function acceptAppendReceipts(
  stream: string,
  sent: readonly NewEvent[],
  texts: CanonicalFields[],
  answer: unknown,
  subject: string,
  readBack: ReadBack,
): Promise<AppendResult> {
  const parsed = parseAppendReceipts(answer, subject);
  const { receipts, nextExpectedRevision, position } = parsed;
  const refuse = refusalOf(subject);
  checkPlaces(sent, { nextExpectedRevision, position, places: receipts }, 'receipts', refuse);
  const events = eventsIfHashesMatch(stream, sent, texts, receipts);
  if (events) return { nextExpectedRevision, position, events };

  const first = receipts[0]!.revision;
  const readSubject = `${stream} read back from revision ${first} after the ${subject}`;
  const recorded = parseAppendAnswer(stream, sent, { nextExpectedRevision, position, events: await readBack(first, receipts.length) }, readSubject);
  for (let i = 0; i < recorded.events.length; i++) {
    const event = recorded.events[i]!;
    const recomputed = eventHash(event.prevHash, event);
    if (recomputed !== event.hash) refusalOf(readSubject)(`events.${i}.hash`, `must be the hash of the event's content (${recomputed}): the hub's record does not verify`);
    const receipt = receipts[i]!;
    for (const field of RECEIPT_FIELDS) {
      if (receipt[field] !== event[field]) refuse(`receipts.${i}.${field}`, `must be what the hub recorded (${JSON.stringify(event[field])}, read back)`);
    }
  }
  return recorded;
}

const RECEIPT_FIELDS = ['id', 'revision', 'position', 'recordedAt', 'prevHash', 'hash'] as const satisfies ReadonlyArray<keyof EventReceipt>;

/**
 * The recorded events, built from the events sent and their receipts, when each
 * receipt's hash is the one recomputed from the event sent (its `texts`, given the
 * receipt's revision); else undefined.
 */
function eventsIfHashesMatch(stream: string, sent: readonly NewEvent[], texts: CanonicalFields[], receipts: readonly EventReceipt[]): RecordedEvent[] | undefined {
  const events = new Array<RecordedEvent>(receipts.length);
  for (let i = 0; i < receipts.length; i++) {
    const { revision, position, recordedAt, prevHash, hash } = receipts[i]!;
    const fields = texts[i]!;
    fields.revision = canonicalJson(revision);
    if (chainHashOfFields(prevHash, fields) !== hash) return undefined;
    const { id, type, schemaVersion, data, meta } = sent[i]!;
    events[i] = { id, type, schemaVersion, data, meta, stream, revision, position, recordedAt, prevHash, hash };
  }
  return events;
}

const HASH = /^[0-9a-f]{64}$/;
const UUID = z.regexes.uuid();
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isInteger = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/**
 * `parseInput(AppendReceiptsResponseSchema, answer, subject)`, with a fast path:
 * zod spends ~1 µs per receipt, as much as hashing its event. Plainly valid answers
 * are checked plainly; anything else goes to zod, which refuses it naming the field
 * (or accepts it). A property test keeps the two verdicts in step.
 */
export function parseAppendReceipts(answer: unknown, subject: string): AppendReceiptsResponse {
  return plainlyValidReceipts(answer) ?? parseInput(AppendReceiptsResponseSchema, answer, subject);
}

function plainlyValidReceipts(answer: unknown): AppendReceiptsResponse | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined;
  const { nextExpectedRevision, position, receipts } = answer as Record<string, unknown>;
  if (!isInteger(nextExpectedRevision) || !isInteger(position) || !Array.isArray(receipts)) return undefined;
  const out = new Array<EventReceipt>(receipts.length);
  const timestamps = new Set<string>();
  for (let i = 0; i < receipts.length; i++) {
    const receipt: unknown = receipts[i];
    if (typeof receipt !== 'object' || receipt === null) return undefined;
    const { id, revision, position: at, recordedAt, prevHash, hash } = receipt as Record<string, unknown>;
    if (typeof id !== 'string' || !UUID.test(id) || !isCount(revision) || !isCount(at)) return undefined;
    if (typeof prevHash !== 'string' || !HASH.test(prevHash) || typeof hash !== 'string' || !HASH.test(hash)) return undefined;
    if (typeof recordedAt !== 'string') return undefined;
    if (!timestamps.has(recordedAt)) {
      if (!TimestampSchema.safeParse(recordedAt).success) return undefined;
      timestamps.add(recordedAt);
    }
    out[i] = { id, revision, position: at, recordedAt, prevHash, hash };
  }
  return { nextExpectedRevision, position, receipts: out };
}

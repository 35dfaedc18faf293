import {
  BatchCanonicalFields,
  canonicalJson,
  chainHashOfFields,
  eventHash,
  type AppendResult,
  type CanonicalFields,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
} from '@dotscience/core';
import type { AppendChainResponse, EventReceipt } from '../wire/wire-schemas.js';
import { parseAppendAnswer, refusalOf, type Refusal } from './append-answer.js';
import { parseAppendChain } from './append-chain.js';

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
 * A type, schemaVersion or meta that every event has alike is written once, in
 * `common` (the texts of equal values are one string, see BatchCanonicalFields, so
 * telling them alike costs a comparison of references).
 */
export function appendRequestBody(texts: readonly CanonicalFields[], expectedRevision: ExpectedRevision): string {
  const first = texts[0];
  const expected = `"expectedRevision":${JSON.stringify(expectedRevision)}`;
  if (!first) return `{"events":[],${expected}}`;
  let sameType = true;
  let sameVersion = true;
  let sameMeta = true;
  for (let i = 1; i < texts.length; i++) {
    const f = texts[i]!;
    sameType &&= f.type === first.type;
    sameVersion &&= f.schemaVersion === first.schemaVersion;
    sameMeta &&= f.meta === first.meta;
  }
  const common: string[] = [];
  if (sameMeta) common.push(`"meta":${first.meta}`);
  if (sameVersion) common.push(`"schemaVersion":${first.schemaVersion}`);
  if (sameType) common.push(`"type":${first.type}`);
  const events = new Array<string>(texts.length);
  for (let i = 0; i < texts.length; i++) {
    const f = texts[i]!;
    events[i] = `{"data":${f.data},"id":${f.id}${sameMeta ? '' : `,"meta":${f.meta}`}${sameVersion ? '' : `,"schemaVersion":${f.schemaVersion}`}${sameType ? '' : `,"type":${f.type}`}}`;
  }
  return `{"common":{${common.join(',')}},"events":[${events.join(',')}],${expected}}`;
}

/**
 * The hub's chain answer to an append of `sent` to `stream` (`?answer=chain`),
 * turned into the AppendResult the EventStore port promises: the recorded events.
 *
 * The answer is parsed and checked against the request (a hash and a position per
 * event sent, a recordedAt for each, positions increasing, the first revision and
 * the count ending at `nextExpectedRevision`, the last position at `position`) and
 * read as a receipt per event: its id the one sent, revisions consecutive from
 * `first.revision`, each prevHash the hash before it (`first.prevHash` for the
 * first). Then each event's hash is recomputed from the event sent, the stream, the
 * receipt's revision and prevHash: when every hash matches, what was recorded is
 * what was sent, and the events are built from `sent` and the receipts. When one
 * does not — an idempotent retry whose first attempt carried other data, a
 * normalisation on the way, a tampered answer — the recorded events are read back
 * and must be a consistent answer whose every hash recomputes and that agrees with
 * each receipt field for field. Anything else is an InvalidInputError naming the field.
 */
export async function acceptAppendChain(
  stream: string,
  sent: readonly NewEvent[],
  texts: CanonicalFields[],
  answer: unknown,
  subject: string,
  readBack: ReadBack,
): Promise<AppendResult> {
  const chain = parseAppendChain(answer, subject);
  const { nextExpectedRevision, position } = chain;
  const refuse = refusalOf(subject);
  const receipts = receiptsOfChain(sent, chain, refuse);
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
    for (const field of CHAIN_FIELDS) {
      if (receipt[field] !== event[field]) refuse(chainFieldOf(i, field), `must be what the hub recorded (${JSON.stringify(event[field])}, read back)`);
    }
  }
  return recorded;
}

/** The receipt fields a chain answer states (ids are the client's own, and the read-back is checked against them). */
const CHAIN_FIELDS = ['revision', 'position', 'recordedAt', 'prevHash', 'hash'] as const satisfies ReadonlyArray<keyof EventReceipt>;

/** Where the chain answer states field `field` of receipt `i`. */
function chainFieldOf(i: number, field: (typeof CHAIN_FIELDS)[number]): string {
  switch (field) {
    case 'revision':
      return 'first.revision';
    case 'position':
      return `positions.${i}`;
    case 'recordedAt':
      return 'recordedAt';
    case 'prevHash':
      return i === 0 ? 'first.prevHash' : `hashes.${i - 1}`;
    case 'hash':
      return `hashes.${i}`;
  }
}

/**
 * A receipt per event sent, read from the chain answer once it is checked against
 * the request: a hash, a position and a recordedAt per event, positions increasing,
 * revisions from `first.revision` ending at `nextExpectedRevision`, the last position
 * at `position`.
 */
function receiptsOfChain(sent: readonly NewEvent[], chain: AppendChainResponse, refuse: Refusal): EventReceipt[] {
  const n = sent.length;
  const { first, hashes, positions, recordedAt } = chain;
  if (hashes.length !== n) refuse('hashes', `must hold a hash for each of the ${n} event(s) sent, not ${hashes.length}`);
  if (positions.length !== n) refuse('positions', `must hold a position for each of the ${n} event(s) sent, not ${positions.length}`);
  let counted = 0;
  for (const run of recordedAt) counted += run.count;
  if (counted !== n) refuse('recordedAt', `must count the ${n} event(s) sent, not ${counted}`);
  if (n === 0) return [];
  if (!first) return refuse('first', "must give the first event's revision and prevHash");
  if (first.revision + n - 1 !== chain.nextExpectedRevision) refuse('nextExpectedRevision', `must be the last event's revision ${first.revision + n - 1}`);
  if (positions[n - 1] !== chain.position) refuse('position', `must be the last event's position ${positions[n - 1]}`);
  const receipts = new Array<EventReceipt>(n);
  let run = 0;
  let left = recordedAt[0]!.count;
  for (let i = 0; i < n; i++) {
    if (i > 0 && positions[i]! <= positions[i - 1]!) refuse(`positions.${i}`, `must come after position ${positions[i - 1]}`);
    if (left === 0) left = recordedAt[++run]!.count;
    left--;
    receipts[i] = { id: sent[i]!.id, revision: first.revision + i, position: positions[i]!, recordedAt: recordedAt[run]!.at, prevHash: i === 0 ? first.prevHash : hashes[i - 1]!, hash: hashes[i]! };
  }
  return receipts;
}
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

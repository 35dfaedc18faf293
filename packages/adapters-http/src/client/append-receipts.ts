import { canonicalJson, eventHash, parseInput, type AppendResult, type ExpectedRevision, type NewEvent, type RecordedEvent } from '@dotscience/core';
import { batchCanonicalFields, chainHashOfFields, takeDataTextVouch, type CanonicalFields } from '@dotscience/core/store-kit';
import { AppendChainResponseSchema, type AppendChainResponse } from '../wire/wire-schemas.js';
import { parseAppendAnswer, refusalOf, type Refusal } from './append-answer.js';

/** Reads `count` recorded events of the stream appended to, from `fromRevision`. */
export type ReadBack = (fromRevision: number, count: number) => Promise<RecordedEvent[]>;

/**
 * The canonical texts of the hashed fields of each event sent to `stream`, its
 * revision still to be set: what proving the receipts needs apart from the
 * store's answer, and what the request body is written from. The stream is
 * written once, and a type or meta equal to the previous event's reuses its text.
 */
export function canonicalTextsOf(stream: string, sent: readonly NewEvent[]): CanonicalFields[] {
  // `sent` as parseAppend returned it: its data written natively. Revisions are set once the hub has answered.
  return batchCanonicalFields(stream, sent, 0, { dataTextIsCanonical: takeDataTextVouch(sent) });
}

/**
 * The append request's JSON body written from the events' canonical texts, so each
 * event is written once for both the request and the proof (canonical JSON is JSON).
 * A type, schemaVersion or meta that every event has alike is written once, in
 * `common` (the texts of equal values are one string, see batchCanonicalFields, so
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
    events[i] =
      `{"data":${f.data},"id":${f.id}${sameMeta ? '' : `,"meta":${f.meta}`}${sameVersion ? '' : `,"schemaVersion":${f.schemaVersion}`}${sameType ? '' : `,"type":${f.type}`}}`;
  }
  return `{"common":{${common.join(',')}},"events":[${events.join(',')}],${expected}}`;
}

/**
 * The hub's chain answer to an append of `sent` to `stream` (`?answer=chain`),
 * turned into the AppendResult the EventStore port promises: the recorded events.
 *
 * The answer is parsed and checked against the request (positions and recordedAt
 * counting the events sent, positions increasing, the first revision and the count
 * ending at `nextExpectedRevision`, the last position at `position`). Then the
 * chain is recomputed from the events sent: from `first.prevHash`, each event's hash
 * over its content at its revision in `stream`. When it ends at the hub's
 * `lastHash`, what was recorded is what was sent (each hash covers the one before
 * it, so the last fixes every event), and the events are built from `sent`, the
 * hashes computed and the answer. When it does not — an idempotent retry whose
 * first attempt carried other data, a normalisation on the way, a tampered answer —
 * the recorded events are read back and must be a consistent answer whose every
 * hash recomputes and that agrees with the answer field for field. Anything else is
 * an InvalidInputError naming the field.
 */
export async function acceptAppendChain(
  stream: string,
  sent: readonly NewEvent[],
  texts: CanonicalFields[],
  answer: unknown,
  subject: string,
  readBack: ReadBack,
): Promise<AppendResult> {
  const chain = parseInput(AppendChainResponseSchema, answer, subject);
  const { nextExpectedRevision, position } = chain;
  const refuse = refusalOf(subject);
  const places = placesOfChain(sent, chain, refuse);
  const events = eventsIfChainEnds(stream, sent, texts, places, chain);
  if (events) return { nextExpectedRevision, position, events };

  const first = places[0]!.revision;
  const readSubject = `${stream} read back from revision ${first} after the ${subject}`;
  const recorded = parseAppendAnswer(stream, sent, { nextExpectedRevision, position, events: await readBack(first, places.length) }, readSubject);
  for (let i = 0; i < recorded.events.length; i++) {
    const event = recorded.events[i]!;
    const recomputed = eventHash(event.prevHash, event);
    if (recomputed !== event.hash)
      refusalOf(readSubject)(`events.${i}.hash`, `must be the hash of the event's content (${recomputed}): the hub's record does not verify`);
    const place = places[i]!;
    const stated: Array<[string, unknown, unknown]> = [
      ['first.revision', place.revision, event.revision],
      ['positions', place.position, event.position],
      ['recordedAt', place.recordedAt, event.recordedAt],
    ];
    if (i === 0) stated.push(['first.prevHash', chain.first!.prevHash, event.prevHash]);
    if (i === recorded.events.length - 1) stated.push(['lastHash', chain.lastHash, event.hash]);
    for (const [field, said, found] of stated) {
      if (said !== found) refuse(field, `must be what the hub recorded (${JSON.stringify(found)} for event ${i}, read back)`);
    }
  }
  return recorded;
}

/** What the chain answer says the store assigned to one event. */
interface ChainPlace {
  revision: number;
  position: number;
  recordedAt: string;
}

/**
 * The place of each event sent, read from the chain answer once it is checked
 * against the request: positions and recordedAt runs counting the events sent,
 * positions increasing, revisions from `first.revision` ending at
 * `nextExpectedRevision`, the last position at `position`, and a first prevHash and
 * a last hash when events were sent.
 */
function placesOfChain(sent: readonly NewEvent[], chain: AppendChainResponse, refuse: Refusal): ChainPlace[] {
  const n = sent.length;
  const { first, lastHash, positions, recordedAt } = chain;
  let counted = 0;
  for (const run of positions) counted += run.count;
  if (counted !== n) refuse('positions', `must count the ${n} event(s) sent, not ${counted}`);
  counted = 0;
  for (const run of recordedAt) counted += run.count;
  if (counted !== n) refuse('recordedAt', `must count the ${n} event(s) sent, not ${counted}`);
  if (n === 0) return [];
  if (!first) return refuse('first', "must give the first event's revision and prevHash");
  if (lastHash === undefined) return refuse('lastHash', "must give the last event's hash");
  if (first.revision + n - 1 !== chain.nextExpectedRevision) refuse('nextExpectedRevision', `must be the last event's revision ${first.revision + n - 1}`);
  for (let k = 1; k < positions.length; k++) {
    const before = positions[k - 1]!;
    if (positions[k]!.from <= before.from + before.count - 1) refuse(`positions.${k}.from`, `must come after position ${before.from + before.count - 1}`);
  }
  const lastRun = positions.at(-1)!;
  if (lastRun.from + lastRun.count - 1 !== chain.position) refuse('position', `must be the last event's position ${lastRun.from + lastRun.count - 1}`);
  const places = new Array<ChainPlace>(n);
  let i = 0;
  for (const run of positions) for (let k = 0; k < run.count; k++, i++) places[i] = { revision: first.revision + i, position: run.from + k, recordedAt: '' };
  i = 0;
  for (const run of recordedAt) for (let k = 0; k < run.count; k++, i++) places[i]!.recordedAt = run.at;
  return places;
}

/**
 * The recorded events, built from the events sent, their places and the hashes
 * recomputed from the events sent (their `texts`, at each place's revision) from
 * `first.prevHash`, when the recomputed chain ends at the answer's `lastHash`; else undefined.
 */
function eventsIfChainEnds(
  stream: string,
  sent: readonly NewEvent[],
  texts: CanonicalFields[],
  places: readonly ChainPlace[],
  chain: AppendChainResponse,
): RecordedEvent[] | undefined {
  const events = new Array<RecordedEvent>(places.length);
  let prevHash = chain.first?.prevHash ?? '';
  for (let i = 0; i < places.length; i++) {
    const { revision, position, recordedAt } = places[i]!;
    const fields = texts[i]!;
    fields.revision = canonicalJson(revision);
    const hash = chainHashOfFields(prevHash, fields);
    const { id, type, schemaVersion, data, meta } = sent[i]!;
    events[i] = { id, type, schemaVersion, data, meta, stream, revision, position, recordedAt, prevHash, hash };
    prevHash = hash;
  }
  return places.length === 0 || prevHash === chain.lastHash ? events : undefined;
}

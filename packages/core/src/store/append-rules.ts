import { z } from 'zod';
import type { NewEvent, RecordedEvent } from '../events/envelope.js';
import { parseNewEvents } from '../events/new-event-parsing.js';
import { parseInput } from '../errors/parse-input.js';
import { DuplicateEventIdError, WrongExpectedRevisionError, type EventIdSite } from '../errors/store-errors.js';
import type { AppendOptions, AppendResult, ExpectedRevision } from '../ports/event-store.js';
import { plainAppendTarget } from './fast/append-target.js';

const expectedRevisionRule = "must be a revision (an integer >= -1), 'no_stream', 'stream_exists' or 'any'";

/** A revision, or -1 for a stream without events (the same as 'no_stream', as `WrongExpectedRevisionError.actual` reports it). */
export const ExpectedRevisionSchema = z.union(
  [z.number().int(expectedRevisionRule).min(-1, expectedRevisionRule), z.enum(['no_stream', 'stream_exists', 'any'])],
  { error: expectedRevisionRule },
);

/** The stream and expected revision of an append (exported for the fast path's property test). */
export const AppendTargetSchema = z.object({
  stream: z.string().min(1, 'must name a stream (a non-empty string)'),
  expectedRevision: ExpectedRevisionSchema.default('any'),
});

/**
 * The boundary of every adapter's `append`: the stream name, the expected revision
 * (default 'any') and each event, parsed before anything is checked or written.
 * Bad input is an InvalidInputError naming the field, never a revision conflict.
 */
export function parseAppend(stream: string, events: readonly NewEvent[], options: AppendOptions = {}): { events: NewEvent[]; expected: ExpectedRevision } {
  const expected =
    plainAppendTarget(stream, options.expectedRevision) ??
    parseInput(AppendTargetSchema, { stream, expectedRevision: options.expectedRevision }, `append to stream ${JSON.stringify(stream)}`).expectedRevision;
  return { events: parseAppendedEvents(stream, events), expected };
}

/** `parseAppend`'s events alone: errors name each by its place in the append. */
export function parseAppendedEvents(stream: string, events: readonly unknown[]): NewEvent[] {
  return parseNewEvents(events, (i) => `event ${i} appended to ${stream}`);
}

/** The rule every adapter shares: does the stream's revision satisfy `expected`? Throws if not. */
export function checkExpected(stream: string, actual: number, expected: ExpectedRevision): void {
  const met =
    expected === 'any' ||
    (expected === 'no_stream' && actual === -1) ||
    (expected === 'stream_exists' && actual >= 0) ||
    (typeof expected === 'number' && expected === actual);
  if (!met) throw new WrongExpectedRevisionError(stream, expected, actual);
}

/**
 * What `idempotentRetry` needs of a stream whose events include the first new event's id:
 * its head, the revision holding that id, and the events recorded from there on (as many as
 * the append has, fewer where the stream ends first). A store finds them its own way.
 */
export interface RetryCandidate {
  /** The stream's head revision. */
  headRevision: number;
  /** The revision at which the append's first event id is recorded. */
  startRevision: number;
  /** The events recorded from `startRevision` on, in revision order. */
  recorded: readonly RecordedEvent[];
}

/** The retry candidate of `events` in a stream held whole (index = revision); undefined when the first id is not in it. */
export function retryCandidateIn(streamEvents: readonly RecordedEvent[], events: readonly NewEvent[]): RetryCandidate | undefined {
  const first = events[0];
  const start = first === undefined ? -1 : streamEvents.findIndex((e) => e.id === first.id);
  if (start === -1) return undefined;
  return { headRevision: streamEvents.length - 1, startRevision: start, recorded: streamEvents.slice(start, start + events.length) };
}

/**
 * When the first new event's id is already recorded in the stream (`candidate`), the
 * append is a retry: if every id matches the recorded events from there on, and the
 * expectation agrees with where they were written, return the original result;
 * otherwise it is a conflict. Undefined (not a retry) without a candidate.
 */
export function idempotentRetry(
  stream: string,
  candidate: RetryCandidate | undefined,
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): AppendResult | undefined {
  if (events.length === 0 || candidate === undefined) return undefined;
  const start = candidate.startRevision;
  const matched = candidate.recorded.slice(0, events.length);
  const sameIds = matched.length === events.length && matched.every((e, i) => e.id === events[i]!.id);
  const sameExpectation =
    expected === 'any' || (expected === 'no_stream' && start === 0) || (expected === 'stream_exists' && start > 0) || expected === start - 1;
  if (!sameIds || !sameExpectation) throw new WrongExpectedRevisionError(stream, expected, candidate.headRevision);
  return appendResult(matched);
}

/**
 * Event ids are recorded at most once per store. Run after `idempotentRetry` (an exact
 * retry is answered before this) and before anything is written: refuses with
 * DuplicateEventIdError the first event whose id repeats an earlier event of the append
 * or is already recorded — `recordedAt(id)` says where the store holds it, undefined
 * when nowhere (or, for a store that cannot look everywhere, nowhere it can see).
 */
export function checkIdsUnrecorded(
  stream: string,
  events: readonly NewEvent[],
  recordedAt: (id: string) => { stream: string; revision: number } | undefined,
): void {
  const seen = new Map<string, number>();
  for (let i = 0; i < events.length; i++) {
    const id = events[i]!.id;
    const earlier = seen.get(id);
    const site: EventIdSite | undefined = earlier === undefined ? recordedAt(id) : { appendIndex: earlier };
    if (site) throw new DuplicateEventIdError(id, stream, i, 'appendIndex' in site ? site : { stream: site.stream, revision: site.revision });
    seen.set(id, i);
  }
}

export function appendResult(recorded: readonly RecordedEvent[]): AppendResult {
  const last = recorded[recorded.length - 1]!;
  return { nextExpectedRevision: last.revision, position: last.position, events: [...recorded] };
}

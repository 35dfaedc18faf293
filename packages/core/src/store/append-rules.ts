import { z } from 'zod';
import type { NewEvent, RecordedEvent } from '../events/envelope.js';
import { parseNewEvents } from '../events/new-event-parsing.js';
import { parseInput } from '../errors/parse-input.js';
import { DuplicateEventIdError, WrongExpectedRevisionError, type EventIdSite } from '../errors/store-errors.js';
import type { AppendOptions, AppendResult, ExpectedRevision } from '../ports/event-store.js';

const expectedRevisionRule = "must be a revision (an integer >= -1), 'no_stream', 'stream_exists' or 'any'";

/** A revision, or -1 for a stream without events (the same as 'no_stream', as `WrongExpectedRevisionError.actual` reports it). */
export const ExpectedRevisionSchema = z.union(
  [z.number().int(expectedRevisionRule).min(-1, expectedRevisionRule), z.enum(['no_stream', 'stream_exists', 'any'])],
  { error: expectedRevisionRule },
);

const AppendTargetSchema = z.object({
  stream: z.string().min(1, 'must name a stream (a non-empty string)'),
  expectedRevision: ExpectedRevisionSchema.default('any'),
});

/**
 * The boundary of every adapter's `append`: the stream name, the expected revision
 * (default 'any') and each event, parsed before anything is checked or written.
 * Bad input is an InvalidInputError naming the field, never a revision conflict.
 */
export function parseAppend(
  stream: string,
  events: readonly NewEvent[],
  options: AppendOptions = {},
): { events: NewEvent[]; expected: ExpectedRevision } {
  const expected = parseAppendTarget(stream, options);
  return { events: parseAppendedEvents(stream, events, 0), expected };
}

/** `parseAppend`'s first half: the stream name and the expected revision (default 'any'). */
export function parseAppendTarget(stream: string, options: AppendOptions = {}): ExpectedRevision {
  return parseInput(AppendTargetSchema, { stream, expectedRevision: options.expectedRevision }, `append to stream ${JSON.stringify(stream)}`).expectedRevision;
}

/**
 * `parseAppend`'s second half for some of an append's events, the first of which is the
 * append's event `first`: errors name each by its place in the whole append. A store may
 * parse an append in parts (each part's array carrying parseNewEvents' `dataTextIsCanonical`), in order.
 */
export function parseAppendedEvents(stream: string, events: readonly unknown[], first: number): NewEvent[] {
  return parseNewEvents(events, (i) => `event ${first + i} appended to ${stream}`);
}

/** The rule every adapter shares: does the stream's revision satisfy `expected`? Throws if not. */
export function checkExpected(stream: string, actual: number, expected: ExpectedRevision): void {
  if (!meetsExpected(actual, expected)) throw new WrongExpectedRevisionError(stream, expected, actual);
}

/** `checkExpected`'s verdict, for a store that looks before it decides which way to go. */
export function meetsExpected(actual: number, expected: ExpectedRevision): boolean {
  return (
    expected === 'any' ||
    (expected === 'no_stream' && actual === -1) ||
    (expected === 'stream_exists' && actual >= 0) ||
    (typeof expected === 'number' && expected === actual)
  );
}

/**
 * When the first new event's id is already recorded in the stream, the append
 * is a retry: if every id matches the recorded events from there on, and the
 * expectation agrees with where they were written, return the original result;
 * otherwise it is a conflict.
 */
export function idempotentRetry(
  stream: string,
  existing: readonly RecordedEvent[],
  events: readonly NewEvent[],
  expected: ExpectedRevision,
): AppendResult | undefined {
  if (events.length === 0) return undefined;
  const start = existing.findIndex((e) => e.id === events[0]!.id);
  if (start === -1) return undefined;
  const matched = existing.slice(start, start + events.length);
  const sameIds = matched.length === events.length && matched.every((e, i) => e.id === events[i]!.id);
  const sameExpectation =
    expected === 'any' ||
    (expected === 'no_stream' && start === 0) ||
    (expected === 'stream_exists' && start > 0) ||
    expected === start - 1;
  if (!sameIds || !sameExpectation) throw new WrongExpectedRevisionError(stream, expected, existing.length - 1);
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

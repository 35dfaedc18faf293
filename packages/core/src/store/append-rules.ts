import type { NewEvent, RecordedEvent } from '../events/envelope.js';
import { WrongExpectedRevisionError } from '../errors/store-errors.js';
import type { AppendResult, ExpectedRevision } from '../ports/event-store.js';

/** The rule every adapter shares: does the stream's revision satisfy `expected`? Throws if not. */
export function checkExpected(stream: string, actual: number, expected: ExpectedRevision): void {
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && actual === -1) ||
    (expected === 'stream_exists' && actual >= 0) ||
    (typeof expected === 'number' && expected === actual);
  if (!ok) throw new WrongExpectedRevisionError(stream, expected, actual);
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

export function appendResult(recorded: readonly RecordedEvent[]): AppendResult {
  const last = recorded[recorded.length - 1]!;
  return { nextExpectedRevision: last.revision, position: last.position, events: [...recorded] };
}

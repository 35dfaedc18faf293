import { expect } from 'vitest';
import { WrongExpectedRevisionError } from '../../errors/store-errors.js';
import type { ExpectedRevision } from '../../ports/event-store.js';

export interface ExpectedConflict {
  stream: string;
  expected: ExpectedRevision;
  /** The stream's last revision when the append was refused, -1 when it has no events. */
  actual: number;
}

/** Assert an append was refused with a WrongExpectedRevisionError naming the stream, the expectation and the actual revision. */
export function expectConflictError(error: unknown, conflict: ExpectedConflict): void {
  expect(error, 'the append should have been refused').toBeInstanceOf(WrongExpectedRevisionError);
  const e = error as WrongExpectedRevisionError;
  expect({ stream: e.stream, expected: e.expected, actual: e.actual }).toEqual(conflict);
  expect(e.message).toContain(conflict.stream);
  expect(e.message).toContain(`expected revision ${String(conflict.expected)}`);
  expect(e.message).toContain(`is at ${conflict.actual === -1 ? 'no_stream' : conflict.actual}`);
}

export async function expectConflict(append: Promise<unknown>, conflict: ExpectedConflict): Promise<void> {
  let thrown: unknown;
  try {
    await append;
  } catch (error) {
    thrown = error;
  }
  expectConflictError(thrown, conflict);
}

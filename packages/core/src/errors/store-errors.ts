import type { ExpectedRevision } from '../ports/event-store.js';

/** Base of every error a user can cause: a stable code and a message that names the thing and says what to do. */
export abstract class DotscienceError extends Error {
  abstract readonly code: string;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class WrongExpectedRevisionError extends DotscienceError {
  readonly code = 'WRONG_EXPECTED_REVISION';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    /** The stream's actual last revision, -1 when it has no events. */
    readonly actual: number,
  ) {
    super(
      `stream ${stream}: expected revision ${String(expected)} but the stream is at ${actual === -1 ? 'no_stream' : actual} — another writer appended first; re-read the stream and decide again`,
    );
  }
}

export class InvalidInputError extends DotscienceError {
  readonly code = 'INVALID_INPUT';
  constructor(
    /** What was being parsed: 'parameter', 'config', 'HTTP body', ... */
    readonly subject: string,
    /** Each failing field path and what is wrong with it. */
    readonly problems: ReadonlyArray<{ path: string; message: string }>,
  ) {
    super(`invalid ${subject}: ${problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')}`);
  }
}

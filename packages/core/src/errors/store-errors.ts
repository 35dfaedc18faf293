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

/** Where an event id is already: recorded in a stream at a revision (durable or queued), or earlier in the same append. */
export type EventIdSite = { stream: string; revision: number } | { appendIndex: number };

/**
 * An append would record an event id a second time. Event ids name one domain fact and
 * are recorded at most once per store (sync and projections rely on it); only an exact
 * retry (the same ids in the same order at the same place) is answered, as a no-op.
 */
export class DuplicateEventIdError extends DotscienceError {
  readonly code = 'DUPLICATE_EVENT_ID';
  constructor(
    readonly id: string,
    /** The stream appended to. */
    readonly stream: string,
    /** Which event of the append (0-based) carries the id. */
    readonly index: number,
    /** Where the id already is, or undefined when the store cannot say. */
    readonly existing: EventIdSite | undefined,
  ) {
    super(
      `event ${index} appended to stream ${stream} has id ${id}, ${siteText(existing)} — nothing was written; an event id is recorded once per store: give each new event a fresh id, or retry an append by resending exactly the same events at the same expected revision`,
    );
  }
}

function siteText(site: EventIdSite | undefined): string {
  if (site === undefined) return 'which the store already holds';
  if ('appendIndex' in site) return `as does event ${site.appendIndex} of the same append`;
  return `which is already recorded in stream ${site.stream} at revision ${site.revision}`;
}

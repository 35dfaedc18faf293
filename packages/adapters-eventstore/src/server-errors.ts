import { DotscienceError } from '@dotscience/core';
import { ErrorType, type CurrentStreamState } from '@kurrent/kurrentdb-client';
import { currentRevisionOf } from './revisions.js';

/**
 * What the adapter makes of the client's errors. A revision conflict is never
 * shown as is: the adapter re-reads the stream and decides again (the chain must
 * be recomputed on the new head), and only then reports the core's
 * WrongExpectedRevisionError with the stream's actual revision.
 */

/** The stream's revision the server reported with a WrongExpectedVersionError, or undefined for any other error. */
export function conflictingRevisionOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { type?: unknown; actualState?: CurrentStreamState };
  if (e.type !== ErrorType.WRONG_EXPECTED_VERSION || e.actualState === undefined) return undefined;
  return currentRevisionOf(e.actualState);
}

/** True for the error a read of a stream without events ends with. */
export function isStreamNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { type?: unknown }).type === ErrorType.STREAM_NOT_FOUND;
}

/** The server refused an append as larger than its MaxAppendSize. */
export class AppendTooLargeError extends DotscienceError {
  readonly code = 'KURRENTDB_APPEND_TOO_LARGE';
  constructor(
    readonly stream: string,
    readonly events: number,
    readonly maxAppendSize: number | undefined,
  ) {
    super(
      `append of ${events} event(s) to stream ${stream} is larger than the KurrentDB server's MaxAppendSize${maxAppendSize ? ` (${maxAppendSize} bytes)` : ''} — nothing was written; raise MaxAppendSize on every node (KURRENTDB_MAX_APPEND_SIZE, see docs/kurrentdb.md) or write smaller events`,
    );
  }
}

/** The append error to show a caller, for errors other than a revision conflict. */
export function appendFailureOf(error: unknown, stream: string, events: number): unknown {
  if (typeof error === 'object' && error !== null && (error as { type?: unknown }).type === ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED) {
    return new AppendTooLargeError(stream, events, (error as { maxAppendSize?: number }).maxAppendSize);
  }
  return error;
}

/** The store was closed; it cannot be used again. */
export class EventStoreClosedError extends DotscienceError {
  readonly code = 'KURRENTDB_STORE_CLOSED';
  constructor(readonly connection: string) {
    super(`the KurrentDB event store (${connection}) is closed — open a new one with EventStoreDbEventStore.connect`);
  }
}

/** The server or cluster cannot be reached: a configuration or operations problem, not a bug (exit 3 in ds). */
export class EventStoreUnreachableError extends DotscienceError {
  readonly code = 'KURRENTDB_UNREACHABLE';
  constructor(readonly connection: string) {
    super(
      `cannot reach KurrentDB at ${connection} — check the URL (--store or DOTSCIENCE_STORE), that the server is running and listening there, and its TLS setting (?tls=false for an insecure node)`,
    );
  }
}

/** `error` as the caller sees it: an unavailable server or a deadline passed becomes EventStoreUnreachableError naming `connection`. */
export function reachabilityFailureOf(error: unknown, connection: string): unknown {
  const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  return type === ErrorType.UNAVAILABLE || type === ErrorType.DEADLINE_EXCEEDED ? new EventStoreUnreachableError(connection) : error;
}

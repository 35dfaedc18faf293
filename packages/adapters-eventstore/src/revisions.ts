import type { AppendStreamState, CurrentStreamState } from '@kurrent/kurrentdb-client';
import { NO_STREAM } from '@kurrent/kurrentdb-client';

/**
 * Revisions between the core (numbers, -1 for a stream without events) and
 * KurrentDB (bigint revisions, 'no_stream'). The adapter always appends with
 * the exact head it chained onto, so the server's check is the chain's guard.
 */

/** The stream state to send when the new events were chained onto revision `head` (-1: an empty stream). */
export function streamStateFor(head: number): AppendStreamState {
  if (!Number.isSafeInteger(head) || head < -1) throw new RangeError(`a stream head revision is an integer >= -1, not ${head}`);
  return head === -1 ? NO_STREAM : BigInt(head);
}

/** A server revision (bigint) as the core's number; revisions beyond 2^53 cannot occur in a dotscience stream. */
export function revisionOf(revision: bigint): number {
  if (revision < 0n || revision > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`KurrentDB revision ${revision} is outside 0..2^53-1`);
  return Number(revision);
}

/** The server's current stream state (from a revision conflict) as the core's revision: -1 for 'no_stream'. */
export function currentRevisionOf(state: CurrentStreamState): number {
  return state === NO_STREAM ? -1 : revisionOf(state);
}

/** The revision to start a stream read at, as the client takes it. */
export function readRevisionFor(fromRevision: number): bigint {
  if (!Number.isSafeInteger(fromRevision) || fromRevision < 0) throw new RangeError(`fromRevision must be an integer >= 0, not ${fromRevision}`);
  return BigInt(fromRevision);
}

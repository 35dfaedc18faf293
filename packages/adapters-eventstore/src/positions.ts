import type { Position } from '@kurrent/kurrentdb-client';

/**
 * Global positions. A KurrentDB event's place in `$all` is (commit, prepare).
 * Every append through the gRPC API is an implicit transaction, whose events'
 * commit position is their own log position, so commit = prepare and the core's
 * position is that one number (monotonic in `$all` order, with gaps: it counts
 * bytes of the transaction log). Explicit transactions of the old TCP API are
 * the only events with commit != prepare; dotscience never writes them, and an
 * event of that kind is refused rather than given a position that could repeat.
 */
export function corePositionOf(position: Position): number {
  if (position.commit !== position.prepare) {
    throw new RangeError(
      `KurrentDB event at commit ${position.commit} / prepare ${position.prepare} was written in an explicit transaction; dotscience streams are written only by single appends (commit = prepare)`,
    );
  }
  if (position.commit < 0n || position.commit > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`KurrentDB position ${position.commit} is outside 0..2^53-1`);
  }
  return Number(position.commit);
}

/** The server position of an event whose core position is `position` (valid only for positions of recorded events). */
export function serverPositionOf(position: number): Position {
  if (!Number.isSafeInteger(position) || position < 0) throw new RangeError(`a position is an integer >= 0, not ${position}`);
  const p = BigInt(position);
  return { commit: p, prepare: p };
}

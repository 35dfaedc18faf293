import type { ProjectionCheckpoint } from '../ports/checkpoint-store.js';
import type { EventStore } from '../ports/event-store.js';

/**
 * Why a saved checkpoint was not resumed from:
 * - 'version': the projection's code changed (its version differs);
 * - 'unverifiable': it does not say which event it was taken at (written before checkpoints recorded it);
 * - 'log-shorter': the log has no event at its position any more (truncated, or restored from an older backup);
 * - 'log-differs': the event at its position is not the one it was taken at (the log was restored, replaced or rewritten).
 */
export type CheckpointDiscardReason = 'version' | 'unverifiable' | 'log-shorter' | 'log-differs';

export interface CheckpointDiscard {
  reason: CheckpointDiscardReason;
  /** One line for the user (empty for 'version', which is routine). */
  notice: string;
}

/**
 * Whether `saved` belongs to the log of `store`: the event at its position must
 * still be there with the hash it recorded. A checkpoint that does not match
 * describes another history, and resuming from it would show runs that are gone
 * and hide runs recorded since, so it is discarded. Reads one event.
 */
export async function checkpointDiscard(store: EventStore, saved: ProjectionCheckpoint, version: number): Promise<CheckpointDiscard | undefined> {
  if (saved.version !== version) return { reason: 'version', notice: '' };
  if (saved.position < 0) return undefined;
  const subject = `the checkpoint of projection ${saved.name} (position ${saved.position})`;
  if (saved.hash === undefined) {
    return { reason: 'unverifiable', notice: `${subject} does not record the event it was taken at; rebuilt from the log` };
  }
  let found: { position: number; hash: string } | undefined;
  for await (const e of store.readAll({ fromPosition: saved.position, maxCount: 1 })) found = e;
  if (found === undefined) {
    return { reason: 'log-shorter', notice: `${subject} is past the end of the log (restored or truncated since); rebuilt from the log` };
  }
  if (found.position !== saved.position || found.hash !== saved.hash) {
    return {
      reason: 'log-differs',
      notice: `${subject} was taken on another log (the event there differs: restored or rewritten since); rebuilt from the log`,
    };
  }
  return undefined;
}

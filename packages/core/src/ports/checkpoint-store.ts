import type { JsonValue } from '../events/json.js';

/** A projection's state saved together with the last position it has seen. */
export interface ProjectionCheckpoint {
  name: string;
  version: number;
  /** Global position of the last event applied; -1 when none. */
  position: number;
  /**
   * The hash of the event at `position`, so a reader can tell the checkpoint
   * belongs to this log (and not to one restored from a backup, truncated or
   * rewritten since). Absent when position is -1, and in checkpoints written
   * before it was recorded: those cannot be verified and are rebuilt.
   */
  hash?: string;
  state: JsonValue;
}

export interface CheckpointStore {
  load(name: string): Promise<ProjectionCheckpoint | undefined>;
  /** Atomically replace the checkpoint of `checkpoint.name`. */
  save(checkpoint: ProjectionCheckpoint): Promise<void>;
}
export const CheckpointStore = Symbol.for('dotscience.CheckpointStore');

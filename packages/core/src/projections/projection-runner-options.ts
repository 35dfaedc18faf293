import { z } from 'zod';
import type { UpcasterRegistry } from '../events/upcasting.js';
import type { CheckpointDiscardReason } from './checkpoint-verification.js';

/** What a ProjectionRunner is given, what its catch-up reports and what its updates carry. */
export interface ProjectionRunnerOptions {
  /** Write a checkpoint after this many events (0: only on demand, at catch-up end and at stop). Default 1000. */
  checkpointEvery?: number;
  /**
   * The largest share of the runner's time automatic checkpoints may take, in
   * (0, 1]. Default 0.1. A due checkpoint waits until the time since the last
   * one is at least (1/share − 1) × what the last one cost, so a large state
   * (a million metric points) is not copied every N events during a rebuild.
   * 1: strictly every N events.
   */
  checkpointShare?: number;
  upcasters?: UpcasterRegistry;
}

export const ProjectionRunnerOptionsSchema = z.object({
  checkpointEvery: z.number().int().nonnegative().optional(),
  checkpointShare: z.number().gt(0).lte(1).optional(),
  upcasters: z.custom<UpcasterRegistry>((u) => typeof (u as UpcasterRegistry | undefined)?.upcast === 'function').optional(),
});

/** Where the runner's state came from when it started. */
export type ProjectionOrigin = 'checkpoint' | 'fresh' | 'rebuilt';

export interface CatchUpReport {
  origin: ProjectionOrigin;
  /** For 'rebuilt': the version of the discarded checkpoint. */
  discardedVersion?: number;
  /** For 'rebuilt': why the checkpoint was discarded; `notice`: one line for the user when it did not match the log. */
  discardedReason?: CheckpointDiscardReason;
  notice?: string;
  /** Position the runner had before catching up (-1: nothing applied). */
  fromPosition: number;
  /** Position of the last event read. */
  position: number;
  /** Events read while catching up. */
  events: number;
}

export interface ProjectionUpdate<S> {
  position: number;
  /** The runner's live state: read it, never change it. */
  state: S;
}

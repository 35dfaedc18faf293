import { z } from 'zod';
import { TimestampSchema } from './json.js';

/**
 * Parts of the catalogue added for reproducibility (issue 25), all optional at schema v1: the
 * workload's own interpreter and the machine a run ran on (fields of EnvironmentInfo), and the
 * RunAbandoned event.
 */

/** The workload's own interpreter: e.g. `python`, its resolved path and its version. */
export const InterpreterSchema = z.object({ language: z.string().min(1), path: z.string().min(1), version: z.string().min(1) });

/** The hardware a run ran on; `gpus` only where nvidia-smi answered. */
export const MachineSchema = z.object({
  cpu: z.string(),
  cores: z.number().int().nonnegative(),
  memoryBytes: z.number().int().nonnegative(),
  gpus: z.array(z.string()).optional(),
});

/**
 * The run's writer is gone and never published it: recorded by the next writer that opens the
 * store, from the store's lease and lock information (the process that held the run is no
 * longer alive). Admitted only on an unsealed run; nothing follows it.
 */
export const RunAbandonedSchema = z.object({
  /** Why the writer is known to be gone (e.g. its process no longer exists). */
  reason: z.string().min(1),
  /** When it was found abandoned. */
  at: TimestampSchema,
  /** The process that held the run, when known. */
  pid: z.number().int().positive().optional(),
});

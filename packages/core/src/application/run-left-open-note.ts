import { z } from 'zod';
import { RunStartedSchema } from '../events/catalogue.js';

/**
 * A run a process started and did not finish recording before it ended: what
 * the process knew of it synchronously when start() returned (DESIGN §6 exit
 * handling; docs/decisions.md "Open-run notes"). The code version is not part
 * of it — inspecting it takes asynchronous work the process may not have lived
 * through — so a start recorded from it says the code version was not recorded
 * (unknown: neither "clean" nor "not under version control").
 */
export const RunLeftOpenSchema = RunStartedSchema.omit({ codeVersion: true, projectId: true }).extend({
  /** Undefined when the project was to be asked of the store (a hub token's project). */
  projectId: z.string().min(1).optional(),
  /** The exit code the process ended with, when it ended through process.exit() or a failed exit. */
  exitCode: z.number().int().optional(),
});
export type RunLeftOpen = z.infer<typeof RunLeftOpenSchema>;

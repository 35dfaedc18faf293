import { ProjectionRunner, type Projection } from '@dotscience/core';
import type { Dotscience } from '@dotscience/sdk';

/**
 * The current state of a projection: resumed from its checkpoint, caught up
 * with the events recorded since, and checkpointed again — so a read command
 * on a big store reads only what is new. A checkpoint that does not match the
 * log (restored from a backup since, say) is rebuilt, with one line on stderr.
 */
export async function currentState<S>(ds: Dotscience, projection: Projection<S>): Promise<S> {
  const runner = new ProjectionRunner(ds.events, ds.checkpoints, projection);
  const report = await runner.catchUp();
  if (report.notice) process.stderr.write(`ds: ${report.notice}\n`);
  const state = runner.state;
  await runner.stop();
  return state;
}

import { ProjectionRunner, type Projection } from '@dotscience/core';
import type { Dotscience } from '@dotscience/sdk';

/**
 * The current state of a projection: resumed from its checkpoint, caught up
 * with the events recorded since, and checkpointed again — so a read command
 * on a big store reads only what is new.
 */
export async function currentState<S>(ds: Dotscience, projection: Projection<S>): Promise<S> {
  const runner = new ProjectionRunner(ds.events, ds.checkpoints, projection);
  await runner.catchUp();
  const state = runner.state;
  await runner.stop();
  return state;
}

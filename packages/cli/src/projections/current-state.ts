import { ProjectionRunner, type Dotscience, type Projection } from '@dotscience/sdk';
import { reportSkipped } from './skipped-events.js';

/**
 * The current state of a projection: resumed from its checkpoint, caught up
 * with the events recorded since, and checkpointed again — so a read command
 * on a big store reads only what is new. A checkpoint that does not match the
 * log (restored from a backup since, say) is rebuilt, with one line on stderr.
 * Events the catalogue refuses (written past the append gate) are passed over,
 * with a one-line notice on stderr when the projection meets them.
 */
export async function currentState<S>(ds: Dotscience, projection: Projection<S>): Promise<S> {
  const runner = new ProjectionRunner(ds.events, ds.checkpoints, projection);
  const report = await runner.catchUp();
  if (report.notice) process.stderr.write(`ds: ${report.notice}\n`);
  const state = runner.state;
  await runner.stop();
  reportSkipped(runner.skipped.count, runner.skipped.events[0]);
  return state;
}

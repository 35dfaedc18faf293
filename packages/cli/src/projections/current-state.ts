import { ProjectionRunner, type Dotscience, type Projection } from '@dotscience/sdk';

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

/** One line on stderr for stored events the catalogue refuses, passed over by a read model. */
export function reportSkipped(count: number, first: { type: string; stream: string; revision: number; reason: string } | undefined): void {
  if (first === undefined) return;
  process.stderr.write(
    `ds: passed over ${count} stored event(s) that break the event catalogue — first ${first.type} at ${first.stream} revision ${first.revision}: ${first.reason}; run ds audit verify\n`,
  );
}

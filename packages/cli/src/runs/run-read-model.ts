import type { Dotscience, ReadModelCatchUp, RunReadModel, RunView } from '@dotscience/sdk';
import { reportSkipped } from '../projections/skipped-events.js';
import { AmbiguousRunError, UnknownRunError } from './run-reference.js';

/**
 * The runs read model (`.dotscience/read-model.sqlite`), caught up with the
 * log's tail. A read model that does not match the log (deleted, or the log
 * restored since) is rebuilt, with one line on stderr; so are events the
 * catalogue refuses (as the projection runner reports them).
 */
export async function runReadModel(ds: Dotscience): Promise<RunReadModel> {
  const model = await ds.runReadModel();
  reportCatchUp(await model.catchUp());
  return model;
}

/** Events already reported by this command (the runs and the provenance read models may both pass one over). */
const reported = new Set<string>();

/** The notice of a read model's catch-up, and the events it passed over that this command has not reported yet. */
export function reportCatchUp(report: ReadModelCatchUp): void {
  if (report.notice) process.stderr.write(`ds: ${report.notice}\n`);
  const skipped = report.skipped.filter((s) => !reported.has(`${s.stream}#${s.revision}`));
  for (const s of skipped) reported.add(`${s.stream}#${s.revision}`);
  reportSkipped(skipped.length, skipped[0]);
}

/** The run a user means: its full id, or a prefix that exactly one run id starts with (trimmed, any case); else an UnknownRunError or AmbiguousRunError. */
export async function resolveRun(model: RunReadModel, ref: string): Promise<RunView> {
  const wanted = ref.trim().toLowerCase();
  const exact = wanted.length > 0 ? await model.run(wanted) : undefined;
  if (exact !== undefined) return exact;
  const { ids, total } = wanted.length > 0 ? await model.runIdsStartingWith(wanted, 11) : { ids: [], total: 0 };
  if (total === 0) throw new UnknownRunError(ref);
  if (total > 1) throw new AmbiguousRunError(ref, ids, total);
  return (await model.run(ids[0]!))!;
}

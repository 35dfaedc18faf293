import type { EventStore } from '../ports/event-store.js';
import type { ReadModelCatchUp, RunPage, RunPageRequest, RunReadModel } from '../ports/read-model.js';
import { checkQueryFields } from '../query/query-feasibility.js';
import { runQuery } from '../query/run-query.js';
import { ownEntry } from './own-keys.js';
import { eventApplier, initialStateOf } from './projection.js';
import { declaredDataPathsOf, distinctDataPaths, type DeclaredDataPath } from './run-data-paths.js';
import { withoutWrappingWorkloads } from './run-family.js';
import type { RunView } from './run-view.js';
import { runsProjection, type RunsState } from './runs.js';

/** Fewest leading characters of a run id shown. */
const MINIMUM_PREFIX = 8;

/**
 * The runs read model kept in memory by the runs projection itself, answering
 * with the closure evaluator (`runQuery`): the reference the indexed read model
 * answers as, and the read side where no indexed store is bound.
 */
export class ProjectedRunReadModel implements RunReadModel {
  private state: RunsState = initialStateOf(runsProjection);
  private position = -1;

  constructor(private readonly events: EventStore) {}

  async catchUp(): Promise<ReadModelCatchUp> {
    const skipped: ReadModelCatchUp['skipped'] = [];
    const apply = eventApplier(runsProjection, undefined, (s) =>
      skipped.push({ stream: s.stream, revision: s.revision, type: s.type, reason: s.reason, position: s.position }),
    );
    const origin = this.position < 0 ? 'rebuilt' : 'resumed';
    let read = 0;
    for await (const e of this.events.readAll({ fromPosition: this.position + 1 })) {
      this.state = apply(this.state, e);
      this.position = e.position;
      read++;
    }
    return { read, position: this.position, origin, skipped };
  }

  private selected(request: RunPageRequest): RunView[] {
    const all = Object.values(this.state);
    checkQueryFields(request.query, (name) => all.some((run) => Object.hasOwn(run.metrics, name)));
    // Deleted runs are never listed; archived ones only when asked.
    const shown = all.filter((run) => !run.deleted && (request.archived || !run.archived));
    return runQuery(request.workloads ? shown : withoutWrappingWorkloads(shown), request.query);
  }

  async runs(request: RunPageRequest): Promise<RunPage> {
    const selected = this.selected(request);
    const offset = request.offset ?? 0;
    const runs = selected.slice(offset, request.limit === undefined ? undefined : offset + request.limit);
    return { runs: structuredClone(runs), total: selected.length, offset };
  }

  async *eachRun(request: RunPageRequest): AsyncIterable<RunView> {
    const { runs } = await this.runs(request);
    yield* runs;
  }

  async runIdsStartingWith(prefix: string, max: number): Promise<{ ids: string[]; total: number }> {
    const ids = Object.keys(this.state)
      .filter((id) => id.startsWith(prefix))
      .sort();
    return { ids: ids.slice(0, max), total: ids.length };
  }

  async run(runId: string): Promise<RunView | undefined> {
    return structuredClone(ownEntry(this.state, runId));
  }

  async distinctPrefixLength(): Promise<number> {
    const sorted = Object.keys(this.state).sort();
    let length = MINIMUM_PREFIX;
    for (let i = 1; i < sorted.length; i++) {
      const a = sorted[i - 1]!;
      const b = sorted[i]!;
      let common = 0;
      while (common < a.length && a[common] === b[common]) common++;
      length = Math.max(length, common + 1);
    }
    return length;
  }

  async declaredDataPaths(): Promise<DeclaredDataPath[]> {
    return distinctDataPaths(Object.values(this.state).flatMap(declaredDataPathsOf));
  }

  async runsOfWorkload(workloadId: string): Promise<RunView[]> {
    const members = Object.values(this.state).filter((run) => run.workload.workloadId === workloadId);
    return structuredClone(members.sort((a, b) => a.startedPosition - b.startedPosition));
  }

  async runsPerProject(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const run of Object.values(this.state)) counts.set(run.projectId, (counts.get(run.projectId) ?? 0) + 1);
    return counts;
  }

  async close(): Promise<void> {}
}

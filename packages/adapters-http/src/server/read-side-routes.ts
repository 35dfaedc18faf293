import type { FastifyInstance } from 'fastify';
import {
  parseInput,
  parseModelReference,
  pushedByOf,
  recordedByOf,
  resolveModelReference,
  selectionQuery,
  withParent,
  type ProvenanceReadModel,
  type RunReadModel,
  type RunView,
  type SkippedEvent,
} from '@dotscience/core';
import { hubRoutes } from '../wire/hub-routes.js';
import * as wire from '../wire/wire-schemas.js';
import type { HubContext } from './hub-context.js';
import { HubRefusal, notFound } from './http-errors.js';
import type { ProjectReadModel } from './project-read-model.js';

/** A run by full id or by a prefix only one run has. */
export async function findRun(runs: RunReadModel, ref: string): Promise<RunView> {
  const exact = await runs.run(ref);
  if (exact) return exact;
  const { ids, total } = ref.length > 0 ? await runs.runIdsStartingWith(ref, 1) : { ids: [], total: 0 };
  if (total === 1) return (await runs.run(ids[0]!))!;
  if (total === 0) throw notFound(`no run ${JSON.stringify(ref)} in this project — list runs with GET ${hubRoutes.runs}`);
  throw new HubRefusal(400, 'AMBIGUOUS_RUN', `runId: ${JSON.stringify(ref)} is the prefix of ${total} runs — give more characters`);
}

/** Each dataset or model by name, in the read model's order (the projection's state). */
function byName<V extends { name: string }>(views: readonly V[]): Record<string, V> {
  const record: Record<string, V> = {};
  for (const view of views) Object.defineProperty(record, view.name, { value: view, enumerable: true, writable: true, configurable: true });
  return record;
}

/**
 * The read side: runs through the query language (without the workload runs
 * that wrap their program's runs unless `workloads=true`, as `ds runs`), one run,
 * lineage (a model named by `name@alias` too), datasets and models (with their
 * aliases, tags and history), from the project's read models; archived runs only
 * with `archived=true`, deleted runs never.
 */
export function registerReadSideRoutes(app: FastifyInstance, context: HubContext): void {
  app.get(hubRoutes.runs, async (request) => {
    const { params, stores } = await context.enter(request, wire.ProjectParamsSchema, 'read');
    const query = parseInput(wire.RunsQuerySchema, request.query, 'query');
    const model = context.readModel(params.project, stores);
    const { runs } = await model.current('runs');
    const page = await runs.runs({
      query: selectionQuery(query.filter, query.sort),
      ...(query.limit === undefined ? {} : { limit: query.limit }),
      ...(query.offset === undefined ? {} : { offset: query.offset }),
      ...(query.workloads ? { workloads: true } : {}),
      ...(query.archived ? { archived: true } : {}),
    });
    return withSkipped(model, { runs: page.runs.map(withParent), total: page.total });
  });

  app.get(hubRoutes.run, async (request, reply) => {
    const { params, stores } = await context.enter(request, wire.RunParamsSchema, 'read');
    const model = context.readModel(params.project, stores);
    const run = await findRun((await model.current('runs')).runs, params.runId);
    // A run view's keys are the run's: the report goes in a header.
    if (model.skipped.count > 0) void reply.header(SKIPPED_HEADER, String(model.skipped.count));
    // Who recorded it (its workstation's word) and which token this hub accepted it from (its receipts), D123.
    const stream = `run-${run.runId}`;
    const receipts = (await context.receipts?.readStream(params.project, stream)) ?? [];
    return { ...withParent(run), recordedBy: recordedByOf(run), pushedBy: pushedByOf(receipts) };
  });

  app.get(hubRoutes.lineage, async (request) => {
    const { params, stores } = await context.enter(request, wire.LineageParamsSchema, 'read');
    const query = parseInput(wire.LineageQuerySchema, request.query, 'query');
    const model = context.readModel(params.project, stores);
    const { provenance } = await model.current('provenance');
    const node = await provenance.lineageNode(await withoutModelAlias(provenance, params.node));
    return withSkipped(model, { node, graph: await provenance.lineage(node, query.direction ?? 'upstream') });
  });

  app.get(hubRoutes.datasets, async (request) => {
    const { params, stores } = await context.enter(request, wire.ProjectParamsSchema, 'read');
    const model = context.readModel(params.project, stores);
    const datasets = await (await model.current('provenance')).provenance.datasets();
    // The projection's matching of inputs to versions is its own bookkeeping, not served (D119).
    return withSkipped(model, { datasets: byName(datasets), matching: { versions: {}, awaiting: {} } });
  });

  app.get(hubRoutes.models, async (request, reply) => {
    const { params, stores } = await context.enter(request, wire.ProjectParamsSchema, 'read');
    const model = context.readModel(params.project, stores);
    const models = byName(await (await model.current('provenance')).provenance.models());
    // The models state is keyed by model name: the report goes in a header.
    if (model.skipped.count > 0) void reply.header(SKIPPED_HEADER, String(model.skipped.count));
    return models;
  });
}

/** `name@alias` of a model as the version the alias points at now (`model:name@N`); any other node as given. */
async function withoutModelAlias(provenance: ProvenanceReadModel, node: string): Promise<string> {
  if (!/@[A-Za-z]/.test(node) || node.includes(':')) return node;
  const ref = parseModelReference(node);
  const named = await provenance.model(ref.name);
  if (named === undefined) return node;
  const { model, version } = resolveModelReference(byName([named]), ref);
  return `model:${model.name}@${version.version}`;
}

/** The header that counts the events a read model passed over (see `skipped` in the collection answers). */
export const SKIPPED_HEADER = 'x-dotscience-skipped-events';

/**
 * An answer of the read side with, when the projections passed over events the catalogue
 * refuses, `skipped`: how many and where (stream, revision, position, type, reason) — the
 * rest is served; `ds audit verify` on a copy names the same events.
 */
function withSkipped<T extends object>(model: ProjectReadModel, body: T): T & { skipped?: { count: number; events: readonly SkippedEvent[] } } {
  const { count, events } = model.skipped;
  return count === 0 ? body : { ...body, skipped: { count, events } };
}

import type { FastifyInstance } from 'fastify';
import {
  lineageOf,
  parseInput,
  parseModelReference,
  pushedByOf,
  recordedByOf,
  resolveLineageNode,
  resolveModelReference,
  runQuery,
  selectionQuery,
  withParent,
  withoutWrappingWorkloads,
  type ModelsState,
  type RunView,
  type SkippedEvent,
} from '@dotscience/core';
import { hubRoutes } from '../wire/hub-routes.js';
import * as wire from '../wire/wire-schemas.js';
import type { HubContext } from './hub-context.js';
import { HubRefusal, notFound } from './http-errors.js';
import type { ProjectReadModel } from './project-read-model.js';

/** A run by full id or by a prefix only one run has. */
export function findRun(runs: Record<string, RunView>, ref: string): RunView {
  const exact = Object.hasOwn(runs, ref) ? runs[ref] : undefined;
  if (exact) return exact;
  const matches = Object.keys(runs).filter((id) => id.startsWith(ref));
  if (matches.length === 1) return runs[matches[0]!]!;
  if (matches.length === 0) throw notFound(`no run ${JSON.stringify(ref)} in this project — list runs with GET ${hubRoutes.runs}`);
  throw new HubRefusal(400, 'AMBIGUOUS_RUN', `runId: ${JSON.stringify(ref)} is the prefix of ${matches.length} runs — give more characters`);
}

/**
 * The read side: runs through the query language (without the workload runs
 * that wrap their program's runs unless `workloads=true`, as `ds runs`), one run,
 * lineage (a model named by `name@alias` too), datasets and models (with their
 * aliases, tags and history), from the project's projections; archived runs only
 * with `archived=true`, deleted runs never.
 */
export function registerReadSideRoutes(app: FastifyInstance, context: HubContext): void {
  app.get(hubRoutes.runs, async (request) => {
    const { params, stores } = await context.enter(request, wire.ProjectParamsSchema, 'read');
    const query = parseInput(wire.RunsQuerySchema, request.query, 'query');
    const selection = selectionQuery(query.filter, query.sort);
    const model = context.readModel(params.project, stores);
    const all = Object.values((await model.current()).runs).filter((run) => !run.deleted && (query.archived || !run.archived));
    const selected = runQuery(query.workloads ? all : withoutWrappingWorkloads(all), selection);
    const offset = query.offset ?? 0;
    return withSkipped(model, {
      runs: selected.slice(offset, query.limit === undefined ? undefined : offset + query.limit).map(withParent),
      total: selected.length,
    });
  });

  app.get(hubRoutes.run, async (request, reply) => {
    const { params, stores } = await context.enter(request, wire.RunParamsSchema, 'read');
    const model = context.readModel(params.project, stores);
    const run = findRun((await model.current()).runs, params.runId);
    // A run view's keys are the run's: the report goes in a header.
    if (model.skipped.count > 0) void reply.header(SKIPPED_HEADER, String(model.skipped.count));
    // Who recorded it (its workstation's word) and which token this hub accepted it from (its receipts), D123.
    const stream = `run-${run.runId}`;
    const receipts = ((await context.receipts?.read(params.project)) ?? []).filter((r) => r.append?.stream === stream);
    return { ...withParent(run), recordedBy: recordedByOf(run), pushedBy: pushedByOf(receipts) };
  });

  app.get(hubRoutes.lineage, async (request) => {
    const { params, stores } = await context.enter(request, wire.LineageParamsSchema, 'read');
    const query = parseInput(wire.LineageQuerySchema, request.query, 'query');
    const model = context.readModel(params.project, stores);
    const state = await model.current();
    const { graph } = state.provenance;
    const node = resolveLineageNode(graph, withoutModelAlias(state.models, params.node));
    return withSkipped(model, { node, graph: lineageOf(graph, node, query.direction ?? 'upstream') });
  });

  app.get(hubRoutes.datasets, async (request) => {
    const { params, stores } = await context.enter(request, wire.ProjectParamsSchema, 'read');
    const model = context.readModel(params.project, stores);
    return withSkipped(model, (await model.current()).datasets);
  });

  app.get(hubRoutes.models, async (request, reply) => {
    const { params, stores } = await context.enter(request, wire.ProjectParamsSchema, 'read');
    const model = context.readModel(params.project, stores);
    const models = (await model.current()).models;
    // The models state is keyed by model name: the report goes in a header.
    if (model.skipped.count > 0) void reply.header(SKIPPED_HEADER, String(model.skipped.count));
    return models;
  });
}

/** `name@alias` of a model as the version the alias points at now (`model:name@N`); any other node as given. */
function withoutModelAlias(models: ModelsState, node: string): string {
  if (!/@[A-Za-z]/.test(node) || node.includes(':')) return node;
  const ref = parseModelReference(node);
  if (!Object.hasOwn(models, ref.name)) return node;
  const { model, version } = resolveModelReference(models, ref);
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

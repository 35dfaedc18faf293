import type { FastifyInstance } from 'fastify';
import { lineageOf, parseInput, resolveLineageNode, runQuery, selectionQuery, withParent, withoutWrappingWorkloads, type RunView } from '@dotscience/core';
import { hubRoutes } from '../wire/hub-routes.js';
import * as wire from '../wire/wire-schemas.js';
import type { HubContext } from './hub-server.js';
import { HubRefusal, notFound } from './http-errors.js';

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
 * lineage, datasets and models, from the project's projections.
 */
export function registerReadSideRoutes(app: FastifyInstance, context: HubContext): void {
  app.get(hubRoutes.runs, async (request) => {
    const { params, stores } = await context.enter(request, wire.ProjectParamsSchema, 'read');
    const query = parseInput(wire.RunsQuerySchema, request.query, 'query');
    const selection = selectionQuery(query.filter, query.sort);
    const state = await context.readModel(params.project, stores).current();
    const all = Object.values(state.runs);
    const selected = runQuery(query.workloads ? all : withoutWrappingWorkloads(all), selection);
    const offset = query.offset ?? 0;
    return { runs: selected.slice(offset, query.limit === undefined ? undefined : offset + query.limit).map(withParent), total: selected.length };
  });

  app.get(hubRoutes.run, async (request) => {
    const { params, stores } = await context.enter(request, wire.RunParamsSchema, 'read');
    const state = await context.readModel(params.project, stores).current();
    return withParent(findRun(state.runs, params.runId));
  });

  app.get(hubRoutes.lineage, async (request) => {
    const { params, stores } = await context.enter(request, wire.LineageParamsSchema, 'read');
    const query = parseInput(wire.LineageQuerySchema, request.query, 'query');
    const { graph } = (await context.readModel(params.project, stores).current()).provenance;
    const node = resolveLineageNode(graph, params.node);
    return { node, graph: lineageOf(graph, node, query.direction ?? 'upstream') };
  });

  app.get(hubRoutes.datasets, async (request) => {
    const { params, stores } = await context.enter(request, wire.ProjectParamsSchema, 'read');
    return (await context.readModel(params.project, stores).current()).datasets;
  });

  app.get(hubRoutes.models, async (request) => {
    const { params, stores } = await context.enter(request, wire.ProjectParamsSchema, 'read');
    return (await context.readModel(params.project, stores).current()).models;
  });
}

import type { FastifyInstance } from 'fastify';
import { parseInput, runStream } from '@dotscience/core';
import { hubRoutes } from '../wire/hub-routes.js';
import * as wire from '../wire/wire-schemas.js';
import type { HubContext } from './hub-context.js';
import { notFound } from './http-errors.js';
import { findRun } from './read-side-routes.js';
import { downsampleMinMax } from './series-downsampling.js';

/** What a run's page shows beyond the run view: a metric's series (downsampled for charts) and the run stream's events with the hash chain checked. */
export function registerRunDetailRoutes(app: FastifyInstance, context: HubContext): void {
  app.get(hubRoutes.metricSeries, async (request): Promise<wire.MetricSeriesResponse> => {
    const { params, stores } = await context.enter(request, wire.MetricSeriesParamsSchema, 'read');
    const query = parseInput(wire.MetricSeriesQuerySchema, request.query, 'query');
    const run = await findRun((await context.readModel(params.project, stores).current('runs')).runs, params.runId);
    const series = await context.runStreams(params.project, stores).series(run.runId, params.name);
    if (!series)
      throw notFound(`run ${run.runId} recorded no metric ${JSON.stringify(params.name)} — its metrics are ${Object.keys(run.metrics).join(', ') || 'none'}`);
    const points = query.points ?? series.length;
    const { x, y } = downsampleMinMax(series, points);
    return { runId: run.runId, name: params.name, total: series.length, downsampled: series.length > points, x, y };
  });

  app.get(hubRoutes.runHistory, async (request): Promise<wire.RunHistoryResponse> => {
    const { params, stores } = await context.enter(request, wire.RunParamsSchema, 'read');
    const run = await findRun((await context.readModel(params.project, stores).current('runs')).runs, params.runId);
    const { history, problem } = await context.runStreams(params.project, stores).history(run.runId);
    return { runId: run.runId, stream: runStream(run.runId), events: history, verified: problem === undefined, ...(problem === undefined ? {} : { problem }) };
  });
}

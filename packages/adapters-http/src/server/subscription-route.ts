import type { FastifyInstance } from 'fastify';
import { parseInput } from '@dotscience/core';
import { z } from 'zod';
import { hubRoutes } from '../wire/hub-routes.js';
import * as wire from '../wire/wire-schemas.js';
import type { HubContext } from './hub-server.js';
import { errorResponse } from './http-errors.js';

const LastEventIdSchema = z.coerce.number().int().nonnegative();

/**
 * Server-Sent Events of a project's log: history from `fromPosition`
 * (inclusive), then live. Each event's SSE id is its global position, so a
 * client (or a browser's EventSource) that reconnects with `Last-Event-ID`
 * resumes right after the last event it received.
 */
export function registerSubscriptionRoute(app: FastifyInstance, context: HubContext): void {
  app.get(hubRoutes.subscribe, async (request, reply) => {
    const { stores } = await context.enter(request, wire.ProjectParamsSchema, 'read');
    const query = parseInput(wire.SubscribeQuerySchema, request.query, 'query');
    const lastEventId = request.headers['last-event-id'];
    const resumeAfter = lastEventId === undefined ? undefined : parseInput(LastEventIdSchema, lastEventId, 'Last-Event-ID header');
    const fromPosition = Math.max(query.fromPosition ?? 0, resumeAfter === undefined ? 0 : resumeAfter + 1);

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    raw.write(': subscribed\n\n');
    const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), context.heartbeatMs);
    heartbeat.unref();
    const subscription = stores.events.subscribe({ fromPosition }).subscribe({
      next: (event) => raw.write(`id: ${event.position}\ndata: ${JSON.stringify(event)}\n\n`),
      error: (error: unknown) => {
        raw.write(`event: error\ndata: ${JSON.stringify(errorResponse(error).body)}\n\n`);
        raw.end();
      },
      complete: () => {
        raw.write('event: end\ndata: {}\n\n');
        raw.end();
      },
    });
    raw.on('close', () => {
      clearInterval(heartbeat);
      subscription.unsubscribe();
    });
  });
}

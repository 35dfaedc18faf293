import type { FastifyInstance } from 'fastify';
import type { Subscription } from 'rxjs';
import { parseInput, type RecordedEvent } from '@dotscience/core';
import { z } from 'zod';
import { hubRoutes } from '../wire/hub-routes.js';
import * as wire from '../wire/wire-schemas.js';
import { authenticate } from './access-control.js';
import type { HubContext } from './hub-context.js';
import { errorResponse, HubRefusal } from './http-errors.js';

const LastEventIdSchema = z.coerce.number().int().nonnegative();
/** Bytes a stream may have waiting for its socket before the hub stops reading the log for it (so that each pause moves many events, not one). */
const PAUSE_AT_BYTES = 256 * 1024;
/** Events of history read from the log at a time. */
const CATCH_UP_PAGE = 256;

/** How many event streams each token holds open on one hub. */
class SubscriptionsPerToken {
  private readonly open = new Map<string, number>();
  constructor(private readonly cap: number) {}

  take(tokenId: string): boolean {
    const held = this.open.get(tokenId) ?? 0;
    if (held >= this.cap) return false;
    this.open.set(tokenId, held + 1);
    return true;
  }

  give(tokenId: string): void {
    const held = (this.open.get(tokenId) ?? 1) - 1;
    if (held === 0) this.open.delete(tokenId);
    else this.open.set(tokenId, held);
  }
}

/**
 * Server-Sent Events of a project's log: history from `fromPosition`
 * (inclusive), then live. Each event's SSE id is its global position, so a
 * client (or a browser's EventSource) that reconnects with `Last-Event-ID`
 * resumes right after the last event it received.
 *
 * With backpressure: history is read from the log a page at a time, and live events
 * come from the store's subscription; whenever more than PAUSE_AT_BYTES wait for
 * the socket, the hub stops reading the log (it leaves the subscription) and goes on
 * from the next position once the socket has drained. A client that does not read
 * costs the hub that much buffer, not the project's history. Each token holds at most
 * `subscriptionsPerToken` streams at once (429 beyond).
 */
export function registerSubscriptionRoute(app: FastifyInstance, context: HubContext): void {
  const held = new SubscriptionsPerToken(context.limits.subscriptionsPerToken);
  app.get(hubRoutes.subscribe, async (request, reply) => {
    const { stores } = await context.enter(request, wire.ProjectParamsSchema, 'read');
    const query = parseInput(wire.SubscribeQuerySchema, request.query, 'query');
    const lastEventId = request.headers['last-event-id'];
    const resumeAfter = lastEventId === undefined ? undefined : parseInput(LastEventIdSchema, lastEventId, 'Last-Event-ID header');
    const fromPosition = Math.max(query.fromPosition ?? 0, resumeAfter === undefined ? 0 : resumeAfter + 1);
    const { tokenId } = authenticate(request, context.tokens);
    if (!held.take(tokenId)) {
      throw new HubRefusal(
        429,
        'TOO_MANY_SUBSCRIPTIONS',
        `this token holds ${context.limits.subscriptionsPerToken} event subscriptions open already (the hub's limit per token) — close one first`,
      );
    }

    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    raw.write(': subscribed\n\n');
    const heartbeat = setInterval(() => {
      if (!raw.writableEnded && !raw.writableNeedDrain) raw.write(': keep-alive\n\n');
    }, context.heartbeatMs);
    heartbeat.unref();

    let next = fromPosition;
    let following: Subscription | undefined;
    let paused = false;
    let closed = false;
    const send = (event: RecordedEvent): void => {
      if (raw.writableEnded) return; // a write after end() would be an error event, not a no-op
      next = event.position + 1;
      raw.write(`id: ${event.position}\ndata: ${JSON.stringify(event)}\n\n`);
    };
    const fail = (error: unknown): void => {
      if (closed || raw.writableEnded) return;
      raw.write(`event: error\ndata: ${JSON.stringify(errorResponse(error).body)}\n\n`);
      raw.end();
    };
    const full = (): boolean => raw.writableLength > PAUSE_AT_BYTES;
    // History: pulled a page at a time, and only while the socket takes it.
    const catchUp = async (): Promise<void> => {
      for (;;) {
        let read = 0;
        for await (const event of stores.events.readAll({ fromPosition: next, maxCount: CATCH_UP_PAGE })) {
          if (closed) return;
          send(event);
          read++;
          if (full()) break;
        }
        if (closed) return;
        if (full()) return void raw.once('drain', resume);
        if (read < CATCH_UP_PAGE) return follow();
      }
    };
    const resume = (): void => void catchUp().catch(fail);
    // Live: the store's subscription from the next position, left as soon as the socket is full.
    const follow = (): void => {
      paused = false;
      following = stores.events.subscribe({ fromPosition: next }).subscribe({
        next: (event: RecordedEvent) => {
          if (paused || closed) return;
          send(event);
          if (full()) {
            paused = true;
            following?.unsubscribe();
            raw.once('drain', resume);
          }
        },
        error: fail,
        complete: () => {
          raw.write('event: end\ndata: {}\n\n');
          raw.end();
        },
      });
      // The store may have emitted (and the socket filled) before subscribe() returned.
      if (paused) following.unsubscribe();
    };
    raw.on('close', () => {
      closed = true;
      clearInterval(heartbeat);
      following?.unsubscribe();
      raw.off('drain', resume);
      held.give(tokenId);
    });
    resume();
  });
}

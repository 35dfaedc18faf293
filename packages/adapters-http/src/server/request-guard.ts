import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GrantedAccess, TokenRegistry } from '../tokens/token-registry.js';
import { API_PREFIX, hubRoutes } from '../wire/hub-routes.js';
import { authenticate } from './access-control.js';
import type { HubLimits } from './connection-limits.js';
import { errorResponse, HubRefusal, noRoute } from './http-errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The access the request's token grants, checked before its body was read (null on routes that need no token). */
    grantedAccess: GrantedAccess | null;
  }
}

const PROJECT_ROUTES = `${API_PREFIX}/projects/`;

/** A route that needs a token: every project route, and "who am I". */
const needsToken = (route: string | undefined): boolean => route !== undefined && (route.startsWith(PROJECT_ROUTES) || route === hubRoutes.whoami);

const carriesBody = (request: FastifyRequest): boolean => {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
};

/** Bytes of request bodies being received and parsed right now, across every request of one hub. */
class BodiesInFlight {
  private bytes = 0;
  constructor(private readonly capacity: number) {}

  /** Take `size` bytes of the budget; false (nothing taken) when it does not fit. */
  take(size: number): boolean {
    if (this.bytes + size > this.capacity && this.bytes > 0) return false;
    this.bytes += size;
    return true;
  }

  give(size: number): void {
    this.bytes -= size;
  }

  get held(): number {
    return this.bytes;
  }
}

/**
 * Checks made when a request's headers have arrived, before a byte of its body is
 * read (fastify's onRequest runs before body parsing):
 *
 * - a request for no route with a body: 404 at once, the connection closed;
 * - the token, on every route that needs one: a request without a valid token is
 *   answered 401 at once, and when it carries a body the connection is closed after
 *   the answer, so the body is never read, buffered or parsed;
 * - the budget of bodies in flight: a JSON body takes its declared length (or the
 *   body limit, when chunked) from `bodiesInFlightBytes` until its answer is sent;
 *   one that does not fit is answered 503 HUB_BUSY (Retry-After) unread. Object
 *   uploads (octet-stream) are streamed to disk, never buffered, and take nothing.
 */
export function guardRequests(app: FastifyInstance, tokens: TokenRegistry, limits: HubLimits, bodyLimit: number): void {
  const inFlight = new BodiesInFlight(limits.bodiesInFlightBytes);
  app.decorateRequest('grantedAccess', null);
  const guard = (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    try {
      request.grantedAccess = authenticate(request, tokens);
    } catch (error) {
      refuse(request, reply, error);
      return;
    }
    if (!carriesBody(request) || isObjectUpload(request)) return done();
    const declared = Number(request.headers['content-length']);
    const size = Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, bodyLimit) : bodyLimit;
    if (!inFlight.take(size)) {
      const held = Math.round(inFlight.held / 2 ** 20);
      void reply.header('retry-after', '1');
      refuse(
        request,
        reply,
        new HubRefusal(503, 'HUB_BUSY', `the hub is receiving ${held} MiB of request bodies already (its limit) — retry shortly, or send smaller batches`),
      );
      return;
    }
    reply.raw.once('close', () => inFlight.give(size));
    done();
  };
  // A request for no route is answered before its body is read too (fastify would parse it for the not-found handler).
  app.addHook('onRequest', (request, reply, done) => {
    if (request.is404 && carriesBody(request)) refuse(request, reply, noRoute(request.method, request.url));
    else done();
  });
  // Decided once per route as it is registered (routes are registered after this), not per request.
  app.addHook('onRoute', (route) => {
    if (!needsToken(route.url)) return;
    const own = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [guard, ...own];
  });
}

const isObjectUpload = (request: FastifyRequest): boolean => /^application\/octet-stream\s*(;|$)/i.test(request.headers['content-type'] ?? '');

/** Answer now; a body the request carries is left unread and its connection closed after the answer. */
function refuse(request: FastifyRequest, reply: FastifyReply, error: unknown): void {
  const { status, body } = errorResponse(error);
  if (carriesBody(request)) void reply.header('connection', 'close');
  void reply.status(status).send(body);
}

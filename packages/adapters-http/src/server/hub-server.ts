import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { GatedEventStore, parseInput, type EventStore, type RecordedEvent } from '@dotscience/core';
import type { TokenRegistry } from '../tokens/token-registry.js';
import { hubRoutes } from '../wire/hub-routes.js';
import * as wire from '../wire/wire-schemas.js';
import { authenticate, authorize } from './access-control.js';
import { chainOf, receiptsOf } from './append-answers.js';
import { receiptOfAppend, registerReceiptRoutes } from './append-receipts-signing.js';
import { answerWithReceiptJson } from './receipt-answer-json.js';
import { capConnections, hubLimits, serverTimeoutOptions, type HubLimits } from './connection-limits.js';
import { appendBody } from './body-append.js';
import { answerMalformedRequest, errorResponse, noRoute } from './http-errors.js';
import type { HubContext, HubReceipts } from './hub-context.js';
import { acceptOnlyUtf8Json } from './json-body-parser.js';
import { openApiDocument } from './openapi.js';
import type { ProjectStoreProvider } from './project-stores.js';
import { ProjectReadModel, projectedReadModels, type OpenProjectReadModels } from './project-read-model.js';
import { RunStreamReader } from './run-stream-reader.js';
import { writableEvents } from './deferred-writer-store.js';
import { QuietPeriod } from './quiet-period.js';
import { registerRunDetailRoutes } from './run-detail-routes.js';
import { registerWebAppRoutes } from './web-app-routes.js';
import { registerReadSideRoutes } from './read-side-routes.js';
import { registerSubscriptionRoute } from './subscription-route.js';
import { registerTokenRoutes } from './token-routes.js';
import { guardRequests } from './request-guard.js';
import { RouteParams } from './route-params.js';

export interface HubServerOptions {
  projects: ProjectStoreProvider;
  tokens: TokenRegistry;
  /** Largest JSON body accepted, in bytes (default 32 MiB). Data objects are streamed and not limited by it. */
  bodyLimit?: number;
  /** Heartbeat comment interval of Server-Sent Events (default 15 s). */
  heartbeatMs?: number;
  /** The built web UI (`packages/web` → `dist`): served under /ui/, with / redirecting there. Absent: no UI. */
  webApp?: string;
  /**
   * true: appends skip the gate (catalogue and stream rules) and any event the store
   * takes is recorded. Only for tests of the store contract over HTTP, whose probe
   * events are not domain events; a hub that serves users keeps the default (false).
   */
  admitAnyEvent?: boolean;
  /** Signs every accepted append's receipt and keeps who made it. Absent: appends are answered without receipts. */
  receipts?: HubReceipts;
  /** Timeouts, connection and body caps, subscriptions per token (see connection-limits.ts for the defaults). */
  limits?: Partial<HubLimits>;
  /** Opens a project's read models (the indexed file the sdk binds, D119). Absent: the projections in memory. */
  readModels?: OpenProjectReadModels;
}

const DEFAULT_PAGE = 1000;
/** The content type fastify gives the JSON it serializes. */
const JSON_TYPE = 'application/json; charset=utf-8';

/** What every route handler is given: the project's stores once the token was checked against it. */
/** The hub: JSON/HTTP over a project's event log and data objects, with tokens scoped per project. */
export class HubServer {
  readonly app: FastifyInstance;
  private readonly readModels = new Map<string, ProjectReadModel>();
  private readonly runStreamReaders = new Map<string, RunStreamReader>();
  private readonly gatedStores = new Map<string, EventStore>();
  private readonly context: HubContext;
  private readonly quiet: QuietPeriod;

  constructor(private readonly options: HubServerOptions) {
    const limits = hubLimits(options.limits);
    const bodyLimit = options.bodyLimit ?? 32 * 1024 * 1024;
    this.app = Fastify({ bodyLimit, forceCloseConnections: true, logger: false, clientErrorHandler: answerMalformedRequest, ...serverTimeoutOptions(limits) });
    capConnections(this.app.server, limits);
    this.quiet = new QuietPeriod(this.app.server);
    guardRequests(this.app, options.tokens, limits, bodyLimit);
    acceptOnlyUtf8Json(this.app);
    this.app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
    this.app.setErrorHandler((error, _request, reply) => {
      const { status, body } = errorResponse(error);
      void reply.status(status).send(body);
    });
    this.app.setNotFoundHandler((request) => {
      throw noRoute(request.method, request.url);
    });
    const routeParams = new RouteParams();
    const context: HubContext = {
      enter: async (request, params, role) => {
        const access = authenticate(request, options.tokens);
        const parsed = routeParams.parse(params, request.params);
        authorize(access, parsed.project, role);
        return { params: parsed, stores: await options.projects.open(parsed.project) };
      },
      readModel: (project, stores) => {
        let model = this.readModels.get(project);
        if (!model) this.readModels.set(project, (model = new ProjectReadModel((options.readModels ?? projectedReadModels)(project, stores.events))));
        return model;
      },
      runStreams: (project, stores) => {
        let reader = this.runStreamReaders.get(project);
        if (!reader) this.runStreamReaders.set(project, (reader = new RunStreamReader(stores.events)));
        return reader;
      },
      gatedEvents: (project, stores) => {
        if (options.admitAnyEvent) return stores.events;
        let gated = this.gatedStores.get(project);
        if (!gated) this.gatedStores.set(project, (gated = new GatedEventStore(stores.events)));
        return gated;
      },
      tokens: options.tokens,
      receipts: options.receipts,
      signedHeads: new Map(),
      heartbeatMs: options.heartbeatMs ?? 15_000,
      limits,
    };
    this.context = context;
    this.registerRoutes(context);
  }

  /**
   * Open a project's stores and bring its read model up to date now, so the first page a user
   * opens does not wait for the projections. Answers how many runs the project holds.
   */
  async prepare(project: string): Promise<{ runs: number }> {
    const stores = await this.options.projects.open(project);
    const { runs } = await this.context.readModel(project, stores).current();
    return { runs: (await runs.runs({ query: { filter: null, orderBy: [] }, limit: 0, workloads: true, archived: true })).total };
  }

  /**
   * Open a project's writer (its log checked, the lock between processes taken) once the hub has
   * been quiet for `quietMs` (no request open or received), so that neither the first append nor a
   * read waits for it (D166). Fails as that append would; false when the hub closed first.
   */
  async openWriter(project: string, quietMs = 0): Promise<boolean> {
    if (!(await this.quiet.reached(quietMs))) return false;
    await writableEvents((await this.options.projects.open(project)).events);
    return true;
  }

  /** Listen on `host:port` (port 0: an ephemeral port); returns the base URL. */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    await this.app.listen({ port, host });
    const address = this.app.server.address();
    if (address === null || typeof address === 'string') throw new Error(`the hub listens on ${String(address)}, not a TCP port`);
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  /** Stop accepting requests, drop open connections (subscriptions), close every project's stores. */
  async close(): Promise<void> {
    this.quiet.stop();
    await this.app.close();
    const models = [...this.readModels.values()];
    this.readModels.clear();
    await Promise.all(models.map((model) => model.close()));
    await this.options.projects.close();
  }

  private registerRoutes(context: HubContext): void {
    const { app } = this;
    // Built on first ask, not at start: its JSON Schemas cost ~25 ms of a cold start's CPU.
    let openapi: ReturnType<typeof openApiDocument> | undefined;
    app.get(hubRoutes.openapi, async () => (openapi ??= openApiDocument()));
    app.get(hubRoutes.whoami, async (request) => {
      const access = authenticate(request, this.options.tokens);
      return { project: access.project, role: access.role, tokenId: access.tokenId };
    });

    app.post(hubRoutes.stream, async (request, reply) => {
      const { params, stores } = await context.enter(request, wire.StreamParamsSchema, 'write');
      const query = parseInput(wire.AppendQuerySchema, request.query, 'query');
      const body = parseInput(wire.AppendEnvelopeSchema, request.body, 'append body');
      // No append (nor the gate's check of it) before the project's writer is open and its log checked (D166).
      await writableEvents(stores.events);
      const result = await appendBody(context.gatedEvents(params.project, stores), params.stream, body);
      const answer = query.answer === 'chain' ? chainOf(result) : query.answer === 'receipts' ? receiptsOf(result) : result;
      const receipt = await receiptOfAppend(request, context, params.project, params.stream, result, stores.events);
      if (receipt === undefined) return answer;
      // The answer with its receipt, as fastify would serialize `{ ...answer, receipt }`, the shared head serialized once.
      return reply.type(JSON_TYPE).send(answerWithReceiptJson(JSON.stringify(answer), receipt));
    });

    app.get(hubRoutes.stream, async (request) => {
      const { params, stores } = await context.enter(request, wire.StreamParamsSchema, 'read');
      const query = parseInput(wire.ReadStreamQuerySchema, request.query, 'query');
      const maxCount = query.maxCount ?? DEFAULT_PAGE;
      const events = await collect(stores.events.readStream(params.stream, { fromRevision: query.fromRevision ?? 0, maxCount }));
      return page(events, maxCount, (e) => e.revision + 1);
    });

    app.get(hubRoutes.all, async (request) => {
      const { stores } = await context.enter(request, wire.ProjectParamsSchema, 'read');
      const query = parseInput(wire.ReadAllQuerySchema, request.query, 'query');
      const maxCount = query.maxCount ?? DEFAULT_PAGE;
      const events = await collect(stores.events.readAll({ fromPosition: query.fromPosition ?? 0, maxCount }));
      return page(events, maxCount, (e) => e.position + 1);
    });

    registerSubscriptionRoute(app, context);
    registerReceiptRoutes(app, context);

    app.post(hubRoutes.missingObjects, async (request) => {
      const { stores } = await context.enter(request, wire.ProjectParamsSchema, 'read');
      const body = parseInput(wire.MissingObjectsBodySchema, request.body, 'missing-objects body');
      const present = await Promise.all(body.digests.map((d) => stores.objects.hasObject(d)));
      return { missing: body.digests.filter((_, i) => !present[i]) };
    });

    app.put(hubRoutes.object, async (request, reply) => {
      const { params, stores } = await context.enter(request, wire.ObjectParamsSchema, 'write');
      if (!isStream(request.body))
        return reply.status(415).send({ code: 'UNSUPPORTED_MEDIA_TYPE', message: 'content-type: an object upload must be sent as application/octet-stream' });
      const stored = await stores.objects.writeObject(`sha256:${params.hex}`, request.body);
      return reply.status(stored ? 201 : 200).send({ stored });
    });

    app.get(hubRoutes.object, async (request, reply) => {
      const { params, stores } = await context.enter(request, wire.ObjectParamsSchema, 'read');
      const found = await stores.objects.readObject(`sha256:${params.hex}`);
      if (!found) return reply.status(404).send({ code: 'OBJECT_NOT_FOUND', message: `the hub holds no object sha256:${params.hex} — push it first` });
      return reply.header('content-type', 'application/octet-stream').header('content-length', found.size).send(found.stream);
    });

    app.get(hubRoutes.versionStat, async (request, reply) => {
      const { params, stores } = await context.enter(request, wire.VersionParamsSchema, 'read');
      const stat = await stores.data.stat({ store: stores.data.kind, kind: params.kind, digest: `sha256:${params.hex}`, bytes: 0, files: 0 });
      if (!stat)
        return reply
          .status(404)
          .send({ code: 'VERSION_NOT_FOUND', message: `the hub does not hold every object of ${params.kind} version sha256:${params.hex}` });
      return stat;
    });

    registerReadSideRoutes(app, context);
    registerRunDetailRoutes(app, context);
    if (this.options.webApp !== undefined) registerWebAppRoutes(app, this.options.webApp);
    registerTokenRoutes(app, context);
  }
}

function isStream(body: unknown): body is AsyncIterable<Uint8Array> {
  return typeof body === 'object' && body !== null && Symbol.asyncIterator in body;
}

async function collect(events: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

function page(events: RecordedEvent[], maxCount: number, after: (e: RecordedEvent) => number): wire.EventPage {
  return events.length === maxCount && events.length > 0 ? { events, next: after(events.at(-1)!) } : { events };
}

export type { FastifyReply };

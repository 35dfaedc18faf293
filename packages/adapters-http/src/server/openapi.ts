import { NewEventSchema, RecordedEventSchema, SignedReceiptSchema } from '@dotscience/core';
import { z } from 'zod';
import { hubRoutes } from '../wire/hub-routes.js';
import { AppendRefusedBodySchema } from '../wire/append-refused-body.js';
import { DuplicateEventIdBodySchema } from '../wire/duplicate-event-id-body.js';
import * as wire from '../wire/wire-schemas.js';

interface Operation {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  role?: wire.Role;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  bodyType?: string;
  response?: z.ZodType;
  responseType?: string;
  /** Refusals with their own body, by status (others are the generic 4XX ErrorBody). */
  refusals?: Record<string, { description: string; body: z.ZodType }>;
}

const RunViewSchema = z.record(z.string(), z.unknown()).describe('a run of the runs projection (RunView)');

const OPERATIONS: Operation[] = [
  { method: 'get', path: hubRoutes.whoami, summary: 'The project and role of the presented token', response: wire.WhoAmIResponseSchema },
  {
    method: 'post',
    path: hubRoutes.stream,
    summary:
      'Append events to a stream (idempotent by event id); answer=receipts: a receipt per event instead of the recorded events; answer=chain: the receipts without what the client sent or can compute (first revision and prevHash, last hash, position and recordedAt runs)',
    role: 'write',
    params: wire.StreamParamsSchema,
    query: wire.AppendQuerySchema,
    body: wire.AppendBodySchema,
    response: z.union([wire.AppendResponseSchema, wire.AppendReceiptsResponseSchema, wire.AppendChainResponseSchema]),
    refusals: {
      '409': {
        description:
          'refused: an event id already recorded (code DUPLICATE_EVENT_ID, with the id and where it is), or the expected revision does not hold (JSON {code, message})',
        body: z.union([DuplicateEventIdBodySchema, wire.ErrorBodySchema]),
      },
      '422': {
        description:
          'refused: an event breaks a rule of the catalogue or of its stream — its schema, the run lifecycle (nothing after RunPublished, no parameter overwrite, metric steps in order), version numbering (code APPEND_REFUSED, naming the event and the rule); nothing was written',
        body: AppendRefusedBodySchema,
      },
    },
  },
  {
    method: 'get',
    path: hubRoutes.stream,
    summary: "Read a stream's events in revision order, one page",
    role: 'read',
    params: wire.StreamParamsSchema,
    query: wire.ReadStreamQuerySchema,
    response: wire.EventPageSchema,
  },
  {
    method: 'get',
    path: hubRoutes.all,
    summary: 'Read every event from a global position, one page',
    role: 'read',
    params: wire.ProjectParamsSchema,
    query: wire.ReadAllQuerySchema,
    response: wire.EventPageSchema,
  },
  {
    method: 'get',
    path: hubRoutes.subscribe,
    summary: 'Server-Sent Events from a position (inclusive), then live; resumable with Last-Event-ID',
    role: 'read',
    params: wire.ProjectParamsSchema,
    query: wire.SubscribeQuerySchema,
    response: RecordedEventSchema,
    responseType: 'text/event-stream',
  },
  {
    method: 'post',
    path: hubRoutes.missingObjects,
    summary: 'Which of these data objects the hub lacks',
    role: 'read',
    params: wire.ProjectParamsSchema,
    body: wire.MissingObjectsBodySchema,
    response: wire.MissingObjectsResponseSchema,
  },
  {
    method: 'put',
    path: hubRoutes.object,
    summary: 'Upload one data object (streamed; refused unless its sha256 is its name)',
    role: 'write',
    params: wire.ObjectParamsSchema,
    bodyType: 'application/octet-stream',
  },
  {
    method: 'get',
    path: hubRoutes.object,
    summary: "Download one data object's bytes",
    role: 'read',
    params: wire.ObjectParamsSchema,
    responseType: 'application/octet-stream',
  },
  {
    method: 'get',
    path: hubRoutes.versionStat,
    summary: 'Kind, bytes and files of a data version the hub holds completely',
    role: 'read',
    params: wire.VersionParamsSchema,
    response: wire.VersionStatResponseSchema,
  },
  {
    method: 'get',
    path: hubRoutes.runs,
    summary:
      'Runs selected by a query-language filter and sort, each with its parent (the workload run it was recorded under, or null); workload runs wrapping the runs their program recorded only with workloads=true',
    role: 'read',
    params: wire.ProjectParamsSchema,
    query: wire.RunsQuerySchema,
    response: wire.RunsPageSchema,
  },
  {
    method: 'get',
    path: hubRoutes.run,
    summary: 'One run (full id or unique prefix), with its parent (the workload run it was recorded under, or null)',
    role: 'read',
    params: wire.RunParamsSchema,
    response: RunViewSchema,
  },
  {
    method: 'get',
    path: hubRoutes.metricSeries,
    summary: 'One metric series of a run, downsampled server-side with min/max-preserving buckets when `points` is given',
    role: 'read',
    params: wire.MetricSeriesParamsSchema,
    query: wire.MetricSeriesQuerySchema,
    response: wire.MetricSeriesResponseSchema,
  },
  {
    method: 'get',
    path: hubRoutes.runHistory,
    summary: "The run stream's events with their hashes, and whether the hash chain verifies",
    role: 'read',
    params: wire.RunParamsSchema,
    response: wire.RunHistoryResponseSchema,
  },
  {
    method: 'get',
    path: hubRoutes.lineage,
    summary: 'Provenance graph around a run, dataset or model',
    role: 'read',
    params: wire.LineageParamsSchema,
    query: wire.LineageQuerySchema,
    refusals: {
      '404': {
        description:
          'no such node: a run, dataset or model the project lacks, or a model version or alias it does not have (codes UNKNOWN_LINEAGE_NODE, MODEL_UNKNOWN, MODEL_VERSION_UNKNOWN, MODEL_ALIAS_UNKNOWN; the message names it and what to do)',
        body: wire.ErrorBodySchema,
      },
    },
  },
  { method: 'get', path: hubRoutes.datasets, summary: 'Datasets and their versions', role: 'read', params: wire.ProjectParamsSchema },
  { method: 'get', path: hubRoutes.models, summary: 'Models and their versions', role: 'read', params: wire.ProjectParamsSchema },
  {
    method: 'get',
    path: hubRoutes.head,
    summary: "The project's log head (records, last position, log hash), signed now with the hub's Ed25519 key",
    role: 'read',
    params: wire.ProjectParamsSchema,
    response: SignedReceiptSchema,
  },
  {
    method: 'get',
    path: hubRoutes.receipts,
    summary:
      'The signed receipts of accepted appends (what each added, which token made it): every one of a stream (?stream=), or the project’s a page at a time (?from=&maxCount=, at most 10,000, 1,000 by default; next: where the next page starts)',
    role: 'read',
    params: wire.ProjectParamsSchema,
    query: wire.ReceiptsQuerySchema,
    response: z.object({ receipts: z.array(SignedReceiptSchema), next: z.number().int().nonnegative().optional() }),
  },
  {
    method: 'get',
    path: hubRoutes.tokens,
    summary: "The project's tokens (never their secrets)",
    role: 'admin',
    params: wire.ProjectParamsSchema,
    response: z.object({ tokens: z.array(wire.TokenInfoSchema) }),
  },
  {
    method: 'post',
    path: hubRoutes.tokens,
    summary: 'Create a token for the project (the secret is shown once)',
    role: 'admin',
    params: wire.ProjectParamsSchema,
    body: wire.CreateTokenBodySchema,
  },
  {
    method: 'delete',
    path: hubRoutes.token,
    summary: 'Revoke a token of the project',
    role: 'admin',
    params: wire.TokenParamsSchema,
    response: wire.TokenInfoSchema,
  },
];

const json = (schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> =>
  z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;

function parameters(op: Operation): unknown[] {
  const out: unknown[] = [];
  for (const [where, schema] of [
    ['path', op.params],
    ['query', op.query],
  ] as const) {
    if (!schema) continue;
    for (const [name, field] of Object.entries(schema.shape)) {
      out.push({
        name,
        in: where,
        required: where === 'path' || !(field as z.ZodType).safeParse(undefined).success,
        schema: json(field as z.ZodType, 'input'),
      });
    }
  }
  return out;
}

/** The hub's OpenAPI 3.1 description, generated from the zod schemas the hub parses requests with. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const path = op.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const responses: Record<string, unknown> = {
      '200': {
        description: 'success',
        ...(op.response || op.responseType
          ? {
              content: {
                [op.responseType ?? 'application/json']: { schema: op.response ? json(op.response, 'output') : { type: 'string', format: 'binary' } },
              },
            }
          : {}),
      },
      '4XX': {
        description: 'refused: JSON {code, message} naming the field',
        content: { 'application/json': { schema: json(wire.ErrorBodySchema, 'output') } },
      },
    };
    for (const [status, refusal] of Object.entries(op.refusals ?? {})) {
      responses[status] = { description: refusal.description, content: { 'application/json': { schema: json(refusal.body, 'output') } } };
    }
    (paths[path] ??= {})[op.method] = {
      summary: op.summary,
      ...(op.role ? { 'x-required-role': op.role, security: [{ bearer: [] }] } : {}),
      parameters: parameters(op),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: json(op.body, 'input') } } } } : {}),
      ...(op.bodyType ? { requestBody: { required: true, content: { [op.bodyType]: { schema: { type: 'string', format: 'binary' } } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'dotscience hub', version: '1' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { NewEvent: json(NewEventSchema, 'input'), RecordedEvent: json(RecordedEventSchema, 'output') },
    },
    paths,
  };
}

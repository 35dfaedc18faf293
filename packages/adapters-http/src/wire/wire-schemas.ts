import { NewEventSchema, RecordedEventSchema, TimestampSchema } from '@dotscience/core';
import { ExpectedRevisionSchema } from '@dotscience/core/store-kit';
import { z } from 'zod';

/**
 * The hub's JSON/HTTP contract, one zod schema per body and query. The server
 * parses every request with them, the client every response, and the OpenAPI
 * description is generated from them (see `openApiDocument`).
 */

export const PROJECT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
export const ProjectIdSchema = z
  .string()
  .regex(PROJECT_ID_PATTERN, 'must be a project id: letters, digits, ".", "_" and "-", starting with a letter or digit, at most 128 characters')
  .refine((id) => !id.includes('..'), 'must not contain ".."');

export const ObjectHexSchema = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (a sha256 object name)');
export const DigestSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 lowercase hex digits>');

export const ProjectParamsSchema = z.object({ project: ProjectIdSchema }).strict();
export const StreamParamsSchema = z.object({ project: ProjectIdSchema, stream: z.string().min(1, 'must name a stream').max(1024) }).strict();
export const ObjectParamsSchema = z.object({ project: ProjectIdSchema, hex: ObjectHexSchema }).strict();

/** The event fields an append body may state once, in `common`, for every event that does not state its own. */
export const COMMON_EVENT_FIELDS = ['type', 'schemaVersion', 'meta'] as const;
export const CommonEventFieldsSchema = NewEventSchema.pick({ type: true, schemaVersion: true, meta: true }).partial().strict();

const appendBodyFields = {
  /** Each event; `type`, `schemaVersion` and `meta` may be left to `common`. */
  events: z.array(NewEventSchema.partial({ type: true, schemaVersion: true, meta: true })).max(100_000),
  expectedRevision: ExpectedRevisionSchema.optional(),
  /**
   * Fields every event without its own takes: a batch usually shares its type,
   * schemaVersion and meta, and stating them once makes the body ~40% smaller (and
   * the hub's parse of it that much cheaper). HttpEventStore puts a field here when
   * every event of the append has the same.
   */
  common: CommonEventFieldsSchema.optional(),
};
export const AppendBodySchema = z
  .object(appendBodyFields)
  .strict()
  .superRefine((body, ctx) => {
    for (const [i, event] of body.events.entries()) {
      for (const field of COMMON_EVENT_FIELDS) {
        if (event[field] === undefined && body.common?.[field] === undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['events', i, field],
            message: `is required: state it in the event, or once for all events in common.${field}`,
          });
      }
    }
  });
export type AppendBody = z.infer<typeof AppendBodySchema>;
/**
 * `AppendBodySchema` as the hub parses it: the envelope here, each event (with `common` filled in) by the
 * store's append (core's `parseNewEvent`: NewEventSchema's verdict, faster). Here `common` is an object of
 * common fields only; each field's value is judged where it goes — by the store's parse of each event that
 * takes it (NewEventSchema's verdict on a field is CommonEventFieldsSchema's), and by AppendCommonSchema
 * when no event takes it (server/body-append.ts) — not once more here for every append.
 */
export const AppendEnvelopeSchema = z
  .object({
    ...appendBodyFields,
    events: z.array(z.unknown()).max(100_000),
    common: z.object({ type: z.unknown(), schemaVersion: z.unknown(), meta: z.unknown() }).partial().strict().optional(),
  })
  .strict();
/** An append body's `common`, judged field by field (the error names `common.<field>…`). */
export const AppendCommonSchema = z.object({ common: CommonEventFieldsSchema });
export type AppendEnvelope = z.infer<typeof AppendEnvelopeSchema>;

export const AppendResponseSchema = z.object({
  nextExpectedRevision: z.number().int(),
  position: z.number().int(),
  events: z.array(RecordedEventSchema),
});

/**
 * `?answer=receipts`: the hub answers an append with a receipt per event (what
 * the store assigned, not the event again), ~a third of the full answer; clients
 * of the previous version ask for it and prove the receipts by recomputing each
 * hash. `chain`: the same receipts without what the client sent or can compute,
 * a few dozen bytes per append (AppendChainResponseSchema; HttpEventStore asks for
 * it, see `acceptAppendChain`).
 * Absent or `events`: the full recorded events.
 */
export const AppendQuerySchema = z.object({ answer: z.enum(['events', 'receipts', 'chain']).optional() }).strict();
export const RECEIPTS_ANSWER = 'answer=receipts';
export const CHAIN_ANSWER = 'answer=chain';

const hashHex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (sha256)');
export const EventReceiptSchema = z.object({
  id: z.uuid({ message: 'must be a UUID' }),
  revision: z.number().int().nonnegative(),
  position: z.number().int().nonnegative(),
  recordedAt: TimestampSchema,
  prevHash: hashHex,
  hash: hashHex,
});
export type EventReceipt = z.infer<typeof EventReceiptSchema>;
export const AppendReceiptsResponseSchema = z.object({
  nextExpectedRevision: z.number().int(),
  position: z.number().int(),
  receipts: z.array(EventReceiptSchema),
});
export type AppendReceiptsResponse = z.infer<typeof AppendReceiptsResponseSchema>;

/**
 * `?answer=chain`: the receipts with nothing the client knows or can compute — no
 * ids (its own), one revision and prevHash for the first event (the others follow
 * on), the last event's hash (each hash covers the one before it, so with the first
 * prevHash it fixes every event between: the client recomputes the chain from its own
 * events and compares the end), and positions and recordedAt as runs (one of each
 * per append on the fs store): a few dozen bytes per append instead of a receipt's
 * ~235 per event. The client proves it as it proves receipts (see `acceptAppendChain`).
 */
export const AppendChainResponseSchema = z.object({
  nextExpectedRevision: z.number().int(),
  position: z.number().int(),
  /** The first event's revision and the hash it links to; absent when no event was appended. */
  first: z.object({ revision: z.number().int().nonnegative(), prevHash: hashHex }).optional(),
  /** The last event's hash; absent when no event was appended. */
  lastHash: hashHex.optional(),
  /** Each run: `count` events at consecutive positions from `from`. */
  positions: z.array(z.object({ from: z.number().int().nonnegative(), count: z.number().int().positive() })),
  /** Each run: `count` consecutive events recorded at `at`. */
  recordedAt: z.array(z.object({ at: TimestampSchema, count: z.number().int().positive() })),
});
export type AppendChainResponse = z.infer<typeof AppendChainResponseSchema>;

const count = z.coerce.number().int().nonnegative();
export const ReadStreamQuerySchema = z.object({ fromRevision: count.optional(), maxCount: z.coerce.number().int().positive().max(10_000).optional() }).strict();
export const ReadAllQuerySchema = z.object({ fromPosition: count.optional(), maxCount: z.coerce.number().int().positive().max(10_000).optional() }).strict();
export const SubscribeQuerySchema = z.object({ fromPosition: count.optional() }).strict();
/** GET …/receipts: one stream's receipts, or a page of the project's (from line `from`, at most `maxCount`). */
export const ReceiptsQuerySchema = z
  .object({ stream: z.string().min(1).optional(), from: count.optional(), maxCount: z.coerce.number().int().positive().max(10_000).optional() })
  .strict()
  .refine((q) => q.stream === undefined || (q.from === undefined && q.maxCount === undefined), {
    message: 'a stream’s receipts come whole: ask for ?stream= alone, or for pages of the project’s with ?from=&maxCount=',
  });

export const EventPageSchema = z.object({
  events: z.array(RecordedEventSchema),
  /** Where the next page starts (a revision for streams, a position for readAll); absent at the end. */
  next: z.number().int().nonnegative().optional(),
});
export type EventPage = z.infer<typeof EventPageSchema>;
/** `EventPageSchema` as the client parses it: the page here, the events with `parseRecordedEvents` (same verdict, faster). */
export const EventPageEnvelopeSchema = EventPageSchema.extend({ events: z.array(z.unknown()) });

export const MissingObjectsBodySchema = z.object({ digests: z.array(DigestSchema).max(100_000) }).strict();
export const MissingObjectsResponseSchema = z.object({ missing: z.array(DigestSchema) });

export const VersionParamsSchema = z.object({ project: ProjectIdSchema, kind: z.enum(['file', 'directory']), hex: ObjectHexSchema }).strict();
export const VersionStatResponseSchema = z.object({
  kind: z.enum(['file', 'directory']),
  bytes: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
});

export const RunsQuerySchema = z
  .object({
    filter: z.string().max(65_536).optional(),
    limit: z.coerce.number().int().nonnegative().max(100_000).optional(),
    offset: z.coerce.number().int().nonnegative().optional(),
    /** Order keys in the query language's `order by` syntax ("metrics.rmse desc, params.depth"); they come before the filter's own. */
    sort: z.string().max(4096).optional(),
    /** "true": also the workload runs that wrap the runs their program recorded (hidden by default, as in `ds runs`). */
    workloads: z
      .enum(['true', 'false'])
      .transform((value) => value === 'true')
      .optional(),
    /** "true": also the archived runs (hidden by default, as in `ds runs`); deleted runs are never listed. */
    archived: z
      .enum(['true', 'false'])
      .transform((value) => value === 'true')
      .optional(),
  })
  .strict();
export const RunsPageSchema = z.object({
  /** Runs of the runs projection, each with `parent`: the id of the workload run it was recorded under, or null. */
  runs: z.array(z.record(z.string(), z.unknown())),
  /** How many runs the filter selects in all (the page is `offset`…`offset + limit` of them). */
  total: z.number().int().nonnegative(),
});
export const RunParamsSchema = z.object({ project: ProjectIdSchema, runId: z.string().min(1).max(256) }).strict();
export const MetricSeriesParamsSchema = z.object({ project: ProjectIdSchema, runId: z.string().min(1).max(256), name: z.string().min(1).max(1024) }).strict();
export const MetricSeriesQuerySchema = z
  .object({
    /** Downsample to about this many points (min/max-preserving buckets: each bucket keeps its lowest and highest point); absent: every point. */
    points: z.coerce.number().int().min(2).max(1_000_000).optional(),
  })
  .strict();
export const MetricSeriesResponseSchema = z.object({
  runId: z.string(),
  name: z.string(),
  /** Points in the whole series (numeric values only). */
  total: z.number().int().nonnegative(),
  downsampled: z.boolean(),
  /** x: the point's step, or its index in the series when it was recorded without one. */
  x: z.array(z.number()),
  y: z.array(z.number()),
});
export type MetricSeriesResponse = z.infer<typeof MetricSeriesResponseSchema>;
export const RunHistoryResponseSchema = z.object({
  runId: z.string(),
  stream: z.string(),
  events: z.array(
    z.object({ revision: z.number().int(), position: z.number().int(), type: z.string(), recordedAt: z.string(), prevHash: z.string(), hash: z.string() }),
  ),
  /** The hash chain recomputed over every event of the run stream (and the seal, once published). */
  verified: z.boolean(),
  /** Why it is not verified: the first event that breaks the chain. */
  problem: z.string().optional(),
});
export type RunHistoryResponse = z.infer<typeof RunHistoryResponseSchema>;
export const LineageParamsSchema = z.object({ project: ProjectIdSchema, node: z.string().min(1).max(1024) }).strict();
export const LineageQuerySchema = z.object({ direction: z.enum(['upstream', 'downstream', 'both']).optional() }).strict();

export const ROLES = ['read', 'write', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const CreateTokenBodySchema = z.object({ role: RoleSchema, label: z.string().max(200).optional() }).strict();
export const TokenParamsSchema = z
  .object({ project: ProjectIdSchema, tokenId: z.string().regex(/^[0-9a-f]{16}$/, 'must be a token id (16 hex digits)') })
  .strict();
export const TokenInfoSchema = z.object({
  id: z.string(),
  project: ProjectIdSchema,
  role: RoleSchema,
  label: z.string().optional(),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
});
export type TokenInfo = z.infer<typeof TokenInfoSchema>;
export const WhoAmIResponseSchema = z.object({ project: ProjectIdSchema, role: RoleSchema, tokenId: z.string() });

export const ErrorBodySchema = z.object({
  code: z.string(),
  message: z.string(),
  /** Each failing field (INVALID_INPUT). */
  problems: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  /** WRONG_EXPECTED_REVISION details. */
  stream: z.string().optional(),
  expected: ExpectedRevisionSchema.optional(),
  actual: z.number().int().optional(),
  /** QUERY_PARSE: where the query went wrong (1-based line and column, 0-based offset, the offending token's length). */
  at: z.object({ line: z.number().int(), column: z.number().int(), offset: z.number().int(), length: z.number().int() }).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

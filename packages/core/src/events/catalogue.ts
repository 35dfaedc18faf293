import { z } from 'zod';
import { JsonValueSchema, TimestampSchema } from './json.js';
import { InterpreterSchema, MachineSchema, RunAbandonedSchema } from './run-context-schemas.js';
import { projectOfVersionSchema, VersionNumberingSchema } from './version-numbering.js';
import * as after from './registry-catalogue.js';
import { checkMetricBatch, MetricsRecordedFieldsSchema } from './metric-batch.js';

export {
  checkMetricBatch,
  MAX_METRIC_BATCH_POINTS,
  metricBatchIssues,
  MetricSeriesColumnsSchema,
  MetricsRecordedFieldsSchema,
  type MetricBatchIssue,
  type MetricSeriesColumns,
} from './metric-batch.js';

/**
 * The v1 event catalogue (DESIGN §2). The event type names are the contract;
 * the fields are a minimum. Every payload is plain JSON.
 */

const name = z.string().min(1, 'must not be empty').max(1024);
const runId = z.string().min(1, 'must not be empty');

/** Where a captured version of some data lives, and how to identify its content. */
export const VersionRefSchema = z.object({
  /** Which data store holds it: 'fs', 'zfs', 'http', ... */
  store: z.string().min(1),
  /** Content digest, `sha256:<hex>`. Absent only when the store defers digests. */
  digest: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 hex digits>')
    .optional(),
  /** Store-specific snapshot identifier (e.g. a ZFS snapshot name and guid). */
  snapshotId: z.string().optional(),
  kind: z.enum(['file', 'directory']),
  bytes: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
});
export type VersionRef = z.infer<typeof VersionRefSchema>;

export const CodeVersionSchema = z.object({
  gitCommit: z.string().optional(),
  gitBranch: z.string().optional(),
  /** The commit's author, `Name <email>` (optional, added to schema v1 compatibly; D123). */
  gitAuthor: z.string().optional(),
  dirty: z.boolean().optional(),
  /** sha256 of the uncommitted diff when dirty. */
  diffDigest: z.string().optional(),
  /**
   * The uncommitted change itself when dirty: a `git apply`-able patch (tracked changes and
   * untracked files within the inspector's limits) stored in the data store. Its digest equals
   * `diffDigest` unless untracked files too large for the patch were left out of it.
   */
  patch: VersionRefSchema.optional(),
  /**
   * Untracked files the inspector left out, unread: over its per-file size limit (`file-limit`)
   * or past its total (`total-limit`). They count in `diffDigest` by path and size only, and
   * `ds reproduce` cannot restore them. `listed` names the first ones by path.
   */
  omittedUntracked: z
    .object({
      files: z.number().int().positive(),
      bytes: z.number().int().nonnegative(),
      listed: z.array(z.object({ path: z.string().min(1), bytes: z.number().int().nonnegative(), reason: z.enum(['file-limit', 'total-limit']) })),
    })
    .optional(),
  /** sha256 of the script / notebook file. */
  scriptDigest: z.string().optional(),
  /**
   * Why there is no code version at all (optional, added to schema v1 compatibly): set when the
   * run's start was recorded from what its process left behind, before its code was inspected. An
   * empty code version without it means the code was not under version control.
   */
  notRecorded: z.string().min(1).optional(),
  /**
   * The notebook file itself, captured in the data store (optional, added to schema v1
   * compatibly): set on runs a notebook published, so the notebook can be shown as it was.
   */
  notebook: VersionRefSchema.optional(),
  /** Code not in git (optional, added compatibly): the script (`script`) and the code beside it in `directory`, as one version. */
  snapshot: z.object({ directory: z.string().min(1), files: VersionRefSchema, script: z.string().min(1).optional() }).optional(),
});
export type CodeVersion = z.infer<typeof CodeVersionSchema>;

export const EnvironmentInfoSchema = z.object({
  runtime: z.string(),
  os: z.string(),
  host: z.string(),
  user: z.string(),
  packages: z.record(z.string(), z.string()).optional(),
  /** The workload's own interpreter when not ds's Node (optional, added compatibly); `packages` are then its distributions. */
  interpreter: InterpreterSchema.optional(),
  /** The hardware the run ran on (optional, added compatibly). */
  machine: MachineSchema.optional(),
  /** Allow-listed environment variables (DOTSCIENCE_ENV_ALLOW plus harmless defaults), by name (optional, added compatibly). */
  variables: z.record(z.string(), z.string()).optional(),
  /** The dependency manifests of the project roots, each a file version of its absolute `path` (optional, added compatibly). */
  manifests: z.array(z.object({ path: z.string().min(1), version: VersionRefSchema })).optional(),
});
export type EnvironmentInfo = z.infer<typeof EnvironmentInfoSchema>;

export const WorkloadSchema = z.object({
  command: z.array(z.string()).optional(),
  script: z.string().optional(),
  notebook: z.string().optional(),
  cwd: z.string().optional(),
  /** Id of the `ds run` workload this run belongs to, if any. */
  workloadId: z.string().optional(),
  /** The 0-based index of the notebook cell that published the run (optional, added to schema v1 compatibly). */
  cell: z.number().int().nonnegative().optional(),
  /** What recorded the run: the SDK, ds run from a printed run block, ds run for the workload (optional, added compatibly). */
  recordedBy: z.enum(['sdk', 'run-block', 'ds-run']).optional(),
});
export type Workload = z.infer<typeof WorkloadSchema>;

export const ProjectCreatedSchema = z.object({ id: z.string().min(1), name });
export const RunStartedSchema = z.object({
  runId,
  projectId: z.string().min(1),
  mode: z.enum(['script', 'interactive']),
  workload: WorkloadSchema,
  codeVersion: CodeVersionSchema,
  environment: EnvironmentInfoSchema,
  startedAt: TimestampSchema,
  /** The run this one re-executes (`ds rerun`); optional, added to schema v1 compatibly. */
  rerunOf: runId.optional(),
});
export const RunDescribedSchema = z.object({ description: z.string() });
/**
 * On a declared input or output: the path was modified after the run said it
 * was done with it (its newest modification time is later than the run's
 * publication), so the captured version may hold later bytes than the run saw
 * or wrote. Recorded by `ds run` when a run block is read after the program
 * already rewrote a file it names.
 */
export const ChangedAfterPublishSchema = z.object({
  /** The newest modification time found under the path when it was captured. */
  modifiedAt: TimestampSchema,
  /** When the run said it was done (its block's end). */
  publishedAt: TimestampSchema,
});
export type ChangedAfterPublish = z.infer<typeof ChangedAfterPublishSchema>;

export const DataDeclaredSchema = z.object({
  path: z.string().min(1, 'must be a path'),
  dataset: name,
  version: VersionRefSchema,
  /** Optional (added to schema v1 compatibly): absent when the version is what the run saw. */
  changedAfterPublish: ChangedAfterPublishSchema.optional(),
});
export const ParameterRecordedSchema = z.object({ name, value: JsonValueSchema });
export const MetricRecordedSchema = z.object({
  name,
  value: JsonValueSchema,
  step: z.number().int().nonnegative().optional(),
  at: TimestampSchema,
});

/** A batch of metric points of one run, as columns per series (MetricRecorded is the one-point form). */
export const MetricsRecordedSchema = MetricsRecordedFieldsSchema.superRefine(checkMetricBatch);

export const SummaryRecordedSchema = z.object({ name, value: JsonValueSchema });
export const LabelAddedSchema = z.object({ name, value: z.string() });
export const ModelDeclaredSchema = z.object({
  name,
  path: z.string().min(1),
  framework: z.string().optional(),
  version: VersionRefSchema.optional(),
  extra: z.record(z.string(), JsonValueSchema).optional(),
});
export const RunErroredSchema = z.object({ message: z.string(), detail: JsonValueSchema.optional() });
/** A path a run declared that held nothing to capture when the run was published. */
export const MissingDataSchema = z.object({
  path: z.string().min(1, 'must be a path'),
  declaredAs: z.enum(['input', 'output']),
  /** Why it could not be captured (e.g. it does not exist). */
  reason: z.string(),
});
export type MissingData = z.infer<typeof MissingDataSchema>;

export const RunPublishedSchema = z.object({
  endedAt: TimestampSchema,
  /** Hash of the run stream's last event before this one: the run's seal. */
  headHash: z.string(),
  /** Declared paths that could not be captured (optional, added to schema v1 compatibly; absent when none). */
  missing: z.array(MissingDataSchema).min(1).optional(),
});
export const DatasetVersionCreatedSchema = z.object({
  name,
  version: z.number().int().positive(),
  ref: VersionRefSchema,
  bytes: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
  /** The run that wrote it; absent for data that entered from outside (first seen as an input). */
  producedBy: runId.optional(),
  path: z.string().optional(),
  numbering: VersionNumberingSchema.optional(),
  /** The project numbering it (D122; optional, added compatibly): absent is the default project. */
  project: projectOfVersionSchema.optional(),
});
export const ModelVersionCreatedSchema = z.object({
  name,
  version: z.number().int().positive(),
  ref: VersionRefSchema,
  producedBy: runId,
  framework: z.string().optional(),
  path: z.string().optional(),
  metrics: z.record(z.string(), JsonValueSchema),
  extra: z.record(z.string(), JsonValueSchema).optional(),
  numbering: VersionNumberingSchema.optional(),
  /** The project numbering it (D122; optional, added compatibly): absent is the default project. */
  project: projectOfVersionSchema.optional(),
});

export const eventSchemas = {
  ProjectCreated: ProjectCreatedSchema,
  RunStarted: RunStartedSchema,
  RunDescribed: RunDescribedSchema,
  InputDeclared: DataDeclaredSchema,
  OutputDeclared: DataDeclaredSchema,
  ParameterRecorded: ParameterRecordedSchema,
  MetricRecorded: MetricRecordedSchema,
  MetricsRecorded: MetricsRecordedSchema,
  SummaryRecorded: SummaryRecordedSchema,
  LabelAdded: LabelAddedSchema,
  ModelDeclared: ModelDeclaredSchema,
  RunErrored: RunErroredSchema,
  RunPublished: RunPublishedSchema,
  DatasetVersionCreated: DatasetVersionCreatedSchema,
  ModelVersionCreated: ModelVersionCreatedSchema,
  RunAbandoned: RunAbandonedSchema,
  ModelAliasSet: after.ModelAliasSetSchema,
  ModelAliasRemoved: after.ModelAliasRemovedSchema,
  ModelVersionTagged: after.ModelVersionTaggedSchema,
  ModelDescribed: after.ModelDescribedSchema,
  RunTagged: after.RunTaggedSchema,
  RunNoted: after.RunNotedSchema,
  RunArchived: after.RunArchivedSchema,
  RunRestored: after.RunRestoredSchema,
  RunDeleted: after.RunDeletedSchema,
} as const;

export type EventType = keyof typeof eventSchemas;
export const eventTypes = Object.keys(eventSchemas) as EventType[];

/** Whether `type` names an event of the catalogue: its own keys only, so `constructor` or `toString` is not one. */
export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventSchemas, type);
}

/** The current schemaVersion of each event type. Bump it and register an upcaster together. */
export const currentSchemaVersion: Record<EventType, number> = Object.fromEntries(eventTypes.map((t) => [t, 1])) as Record<EventType, number>;

/** The schema of one domain event of type T: its type and its data. */
type DomainEventSchemaOf<T extends EventType> = z.ZodObject<{ type: z.ZodLiteral<T>; data: (typeof eventSchemas)[T] }>;
type AnyDomainEventSchema = { [T in EventType]: DomainEventSchemaOf<T> }[EventType];

function domainEventSchemaOf<T extends EventType>(type: T): DomainEventSchemaOf<T> {
  return z.object({ type: z.literal(type), data: eventSchemas[type] }) as unknown as DomainEventSchemaOf<T>;
}

/** One discriminated union of every domain event (type + data), one member per entry of `eventSchemas`. */
export const DomainEventSchema = z.discriminatedUnion('type', eventTypes.map(domainEventSchemaOf) as [AnyDomainEventSchema, ...AnyDomainEventSchema[]]);
export type DomainEvent = z.infer<typeof DomainEventSchema>;
export type EventData<T extends EventType> = Extract<DomainEvent, { type: T }>['data'];

/**
 * @dotscience/core: the domain of dotscience (events, rules, projections, queries) and
 * the ports its adapters implement. Named exports only: what is not here is internal.
 * Helpers only store and data-store adapters need are at '@dotscience/core/store-kit';
 * contract suites and in-memory doubles at '@dotscience/core/testing'.
 */

// events
export { canonicalJson } from './events/canonical-json.js';
export {
  type ChangedAfterPublish,
  ChangedAfterPublishSchema,
  checkMetricBatch,
  type CodeVersion,
  CodeVersionSchema,
  currentSchemaVersion,
  DataDeclaredSchema,
  DatasetVersionCreatedSchema,
  type DomainEvent,
  DomainEventSchema,
  type EnvironmentInfo,
  EnvironmentInfoSchema,
  type EventData,
  eventSchemas,
  type EventType,
  eventTypes,
  LabelAddedSchema,
  MAX_METRIC_BATCH_POINTS,
  type MetricBatchIssue,
  metricBatchIssues,
  MetricRecordedSchema,
  type MetricSeriesColumns,
  MetricSeriesColumnsSchema,
  MetricsRecordedFieldsSchema,
  MetricsRecordedSchema,
  type MissingData,
  MissingDataSchema,
  ModelDeclaredSchema,
  ModelVersionCreatedSchema,
  ParameterRecordedSchema,
  ProjectCreatedSchema,
  RunDescribedSchema,
  RunErroredSchema,
  RunPublishedSchema,
  RunStartedSchema,
  SummaryRecordedSchema,
  type VersionRef,
  VersionRefSchema,
  type Workload,
  WorkloadSchema,
} from './events/catalogue.js';
export { type EventMeta, EventMetaSchema, GENESIS_HASH, type NewEvent, NewEventSchema, type RecordedEvent, RecordedEventSchema } from './events/envelope.js';
export {
  type ChainBreak,
  type ChainBreakReason,
  chainHash,
  type ChainVerdict,
  ChainVerifier,
  eventHash,
  hashedBody,
  verifyChain,
} from './events/hash-chain.js';
export { type JsonValue, JsonValueSchema, TIMESTAMP_PATTERN, TimestampSchema } from './events/json.js';
export {
  categoryOf,
  DEFAULT_PROJECT,
  idOf,
  modelStream,
  projectDatasetStream,
  projectModelStream,
  projectStream,
  runMetaStream,
  runStream,
  streamCategories,
  versionStreamId,
} from './events/streams.js';
export { defaultUpcasters, InvalidEventDataError, UnknownEventVersionError, UpcasterRegistry } from './events/upcasting.js';

// errors
export { DataPathNotFoundError, MaterializeTargetExistsError, NonUtf8NameError, SpecialFileError, type SpecialFileKind } from './errors/data-errors.js';
export { parseInput } from './errors/parse-input.js';
export { DotscienceError, DuplicateEventIdError, type EventIdSite, InvalidInputError, WrongExpectedRevisionError } from './errors/store-errors.js';

// ports
export { CheckpointStore, type ProjectionCheckpoint } from './ports/checkpoint-store.js';
export { Clock } from './ports/clock.js';
export { type CodeInspectionOptions, CodeInspector } from './ports/code-inspector.js';
export { type CaptureOptions, type CaptureProgress, DataStore, type VersionStat } from './ports/data-store.js';
export { Environment } from './ports/environment.js';
export {
  type AppendOptions,
  type AppendResult,
  EventStore,
  type ExpectedRevision,
  type ReadAllOptions,
  type ReadStreamOptions,
  type SubscribeOptions,
} from './ports/event-store.js';
export { IdGenerator } from './ports/id-generator.js';

// data
export { type FileContent } from './data/manifest-builder.js';
export { type Manifest, ManifestSchema } from './data/manifest.js';
export { type MaterializeOptions, MaterializeOptionsSchema } from './data/restored-mode.js';

// run
export { decideRun, decideRunBatch } from './run/decide.js';
export { evolveRun, evolveRunAll } from './run/evolve.js';
export { metricPointsOf, type RecordedMetricPoint } from './run/metric-batch-points.js';
export { parseRunCommand, type RunCommand, type RunCommandInput, type RunCommandKind, type RunCommandOf, RunCommandSchema } from './run/run-commands.js';
export {
  MetricStepOrderError,
  ModelConflictError,
  ParameterConflictError,
  RunAlreadyPublishedError,
  RunAlreadyStartedError,
  RunNotStartedError,
} from './run/run-errors.js';
export { initialRunState, type RunState } from './run/run-state.js';

// application
export { AnnotationSession } from './application/annotation-session.js';
export { normalizeDataPath } from './application/data-paths.js';
export { type MetricColumns } from './application/metric-batch-builder.js';
export { ModelRequestSchema, type PlannedModel, PublicationPlan } from './application/publication-plan.js';
export { recordRunLeftOpen } from './application/run-left-open.js';
export { RunLeftOpenSchema } from './application/run-left-open-note.js';
export { type PublishedRun, publishRun } from './application/run-publication.js';
export { RunRecorder } from './application/run-recorder.js';
export { type RunServices, type WriterMeta } from './application/run-services.js';
export { ModeConflictError, NoOpenRunError } from './application/session-errors.js';
export { WriteQueue } from './application/write-queue.js';

// projections
export { builtInProjections } from './projections/built-ins.js';
export { datasetsProjection, type DatasetsState, type DatasetVersionView, type DatasetView } from './projections/datasets.js';
export { metricSeriesProjection } from './projections/metric-series.js';
export { type ModelHistoryEntry, modelsProjection, type ModelsState, type ModelVersionView, type ModelView } from './projections/models.js';
export {
  InvalidProjectionError,
  ProjectionHandlerError,
  ProjectionRunnerStateError,
  ProjectionStateError,
  type SkippedEvent,
  SkippedEvents,
} from './projections/projection-errors.js';
export { ProjectionRunner } from './projections/projection-runner.js';
export { type CatchUpReport, type ProjectionOrigin, type ProjectionRunnerOptions, type ProjectionUpdate } from './projections/projection-runner-options.js';
export { defineProjection, eventApplier, initialStateOf, type Projection, type ProjectionDefinition } from './projections/projection.js';
export { emptyProvenanceGraph, nodeKind, type ProvenanceGraph, runActivityId } from './projections/provenance/graph.js';
export { toDot } from './projections/provenance/graphviz.js';
export { AmbiguousLineageNodeError, type LineageDirection, lineageOf, resolveLineageNode, UnknownLineageNodeError } from './projections/provenance/lineage.js';
export { toMermaid } from './projections/provenance/mermaid.js';
export { type ProvJsonDocument, toProvJson } from './projections/provenance/prov-json.js';
export { provenanceProjection, type ProvenanceState } from './projections/provenance/provenance-projection.js';
export { replay, type ReplayResult } from './projections/replay.js';
export { isWorkloadRun, parentRunOf, withoutWrappingWorkloads, withParent } from './projections/run-family.js';
export { type DeclaredData, type RunNote, type RunView } from './projections/run-view.js';
export { runsProjection, type RunsState } from './projections/runs.js';
export { WORKLOAD_EXIT_CODE_SUMMARY } from './projections/summary-metrics.js';
export { contentKey } from './projections/version-matching.js';
export { FIND_NEWEST_WITH_IDENTITY, identityKeyOf, type SelfIndexedVersions } from './projections/fast/version-by-identity.js';

// query
export { type Filter, type Query } from './query/ast.js';
export { FieldNameError } from './query/field-names.js';
export { compileQuery } from './query/query-compiler.js';
export { QueryParseError } from './query/query-parse-error.js';
export { MAX_QUERY_CONDITIONS, MAX_QUERY_NESTING, parseQuery, parseSortKeys } from './query/query-parser.js';
export { printQuery } from './query/query-printer.js';
export { runQuery, selectionQuery } from './query/run-query.js';

// protocol
export { parseRunBlock } from './protocol/parse-run-block.js';
export { ProtocolBlockError } from './protocol/protocol-block-error.js';
export { planProtocolRun, protocolRunCommands, type ProtocolRunPlan } from './protocol/protocol-run-plan.js';
export { ProtocolStreamParser } from './protocol/protocol-stream-parser.js';
export {
  DEFAULT_MAX_BLOCK_BYTES,
  type ProtocolStreamEvent,
  type ProtocolStreamParserOptions,
  ProtocolStreamParserOptionsSchema,
} from './protocol/protocol-stream-events.js';
export { RUN_BLOCK_KEYS, type RunBlock, RunBlockSchema } from './protocol/run-block.js';

// gate
export { AppendGate, type PendingStreams } from './gate/append-gate.js';
export { AppendRefusedError, StreamRuleError } from './gate/gate-errors.js';
export { GatedEventStore } from './gate/gated-event-store.js';
export { type RuleViolation, StreamAudit } from './gate/stream-audit.js';
export { type AdmittedEvents, atHead } from './gate/stream-rules.js';

// audit
export {
  type AnchorBreak,
  type AnchoredLog,
  type AnchorEntry,
  type AnchorReport,
  AnchorVerifier,
  type HeadKeepingLog,
  isAnchoredLog,
  isHeadKeepingLog,
} from './audit/anchor-verification.js';
export { LogChain, type LogHead } from './audit/log-chain.js';
export { receiptMessage, receiptSignatureHolds, type SignedReceipt, SignedReceiptSchema, type UnsignedReceipt } from './audit/signed-receipt.js';
export { pushedByOf, recordedByOf, type RunPushedBy, type RunRecordedBy } from './audit/run-identity.js';

// ports added since
export {
  type ContentVerified,
  type CorruptObject,
  DataMaintenance,
  type GarbageCollected,
  type GarbageCollectionOptions,
  type ObjectsCollected,
  type SnapshotsCollected,
} from './ports/data-maintenance.js';
export { type WorkloadProgram } from './ports/environment.js';
export { ObjectStorage, type StoredObject } from './ports/object-storage.js';
export { type ReadModelCatchUp, type RunPage, type RunPageRequest, RunReadModel } from './ports/read-model.js';
export { ProvenanceReadModel } from './ports/provenance-read-model.js';
export { ProjectedProvenanceReadModel } from './projections/provenance/projected-provenance-read-model.js';
export { ProjectedRunReadModel } from './projections/projected-run-read-model.js';
export { declaredDataPathsOf, distinctDataPaths, type DeclaredDataPath } from './projections/run-data-paths.js';
export { type LedgerLine, ReceiptLedger } from './ports/receipt-ledger.js';
export { ReceiptSigner } from './ports/receipt-signer.js';
export { type EntryStat, TreeSource } from './ports/tree-source.js';

// notebooks, queries and statuses
export { type NotebookBlockError, type NotebookRunBlock, notebookRunBlocks, parseNotebook } from './protocol/notebook-run-blocks.js';
export { checkQueryFields, QueryFieldError } from './query/query-feasibility.js';
export { RUN_STATUSES, type RunStatus } from './projections/run-view.js';

// team sync: settling version numbers (D104)
export { isSettledVersion, settledCopyId, settledCopyOf, versionIdentity } from './application/version-settlement.js';
export { derivedEventId, projectCreatedEvent } from './application/project-creation.js';
export { type VersionNumbering, VersionNumberingSchema } from './events/version-numbering.js';
export { recordDatasetVersion, recordModelVersion } from './application/version-streams.js';

// model registry and run annotations (issue 26)
export {
  ModelAliasRemovedSchema,
  ModelAliasSchema,
  ModelAliasSetSchema,
  ModelDescribedSchema,
  ModelVersionTaggedSchema,
  registryEventUnion,
  RunArchivedSchema,
  RunDeletedSchema,
  RunNotedSchema,
  RunRestoredSchema,
  RunTaggedSchema,
  TagKeySchema,
} from './events/registry-catalogue.js';
export { diffVersionFiles, type FileChange, type VersionFile, versionFiles } from './data/version-files.js';
export { RegistryError } from './registry/registry-errors.js';
export {
  decideModelRegistry,
  evolveModelRegistry,
  type ModelRegistryCommand,
  modelRegistryDecider,
  type ModelRegistryState,
} from './registry/model-registry.js';
export { type ModelReference, parseModelReference, resolveModelReference } from './registry/model-reference.js';
export {
  decideRunAnnotation,
  evolveRunAnnotation,
  type RunAnnotationCommand,
  runAnnotationDecider,
  type RunAnnotationState,
} from './registry/run-annotation.js';
export { annotateRun, changeModelRegistry, type RegistryWriter } from './registry/registry-writes.js';

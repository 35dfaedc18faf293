/**
 * @dotscience/core/store-kit: what an adapter needs to build an EventStore or a DataStore
 * that agrees with every other one: the append rules, the hash chain's canonical texts
 * and sealing, the parse of appended events, and the scan, hashing and manifest of data.
 * Not for applications: they use '@dotscience/core'.
 */

// events
export { type BatchCanonicalFieldsOptions, type BatchEvent, batchCanonicalFields, takeDataTextVouch } from './events/fast/batch-canonical-fields.js';
export { bodyOf, type CanonicalFields, chainEvents, chainHashOfFields, type HashedFields, type SealedEvent } from './events/hash-chain.js';
export { type ParsedNewEvents, parseNewEvent, parseNewEvents } from './events/new-event-parsing.js';

// data
export { fileSystemTree } from './data/file-system-tree.js';
export { buildVersion, hashContent } from './data/manifest-builder.js';
export { makeManifest, manifestDigest, manifestText, sha256Digest } from './data/manifest.js';
export { restoredMode } from './data/restored-mode.js';
export { filesOf, refuseNonUtf8Path, type ScannedDirectory, type ScannedFile, type ScannedRoot, scanTree } from './data/tree-scan.js';

// store
export {
  appendResult,
  checkExpected,
  checkIdsUnrecorded,
  ExpectedRevisionSchema,
  idempotentRetry,
  parseAppend,
  parseAppendedEvents,
  type RetryCandidate,
  retryCandidateIn,
} from './store/append-rules.js';

export { SweptStoreMaintenance, type SweptStore } from './store/swept-store-maintenance.js';

// audit
export { LOG_BLOCK_RECORDS, logHashOf } from './audit/log-chain.js';

// a read model keeping a projection's lists of versions outside memory (adapters-sqlite, D171)
export { FIND_NEWEST_WITH_IDENTITY, identityKeyOf, type SelfIndexedVersions } from './projections/fast/version-by-identity.js';

// the query language as a read model compiles it (adapters-sqlite)
export { checkpointDiscard } from './projections/checkpoint-verification.js';
export { asNumber } from './projections/summary-metrics.js';
export {
  ATTRIBUTE_NAMES,
  type Comparator,
  DATA_PROPERTIES,
  type FieldRef,
  MODEL_PROPERTIES,
  type MetricAggregateName,
  type OrderKey,
  type Predicate,
} from './query/ast.js';
export { type Domain, type FieldValue, fieldAccess } from './query/field-access.js';
export { valueTest } from './query/query-compiler.js';
export { sortRuns } from './query/query-order.js';
export { asInstant, asText, present } from './query/value-comparison.js';

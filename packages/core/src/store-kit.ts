/**
 * @dotscience/core/store-kit: what an adapter needs to build an EventStore or a DataStore
 * that agrees with every other one: the append rules, the hash chain's canonical texts
 * and sealing, the parse of appended events, and the scan, hashing and manifest of data.
 * Not for applications: they use '@dotscience/core'.
 */

// events
export { BatchCanonicalFields } from './events/fast/batch-canonical-fields.js';
export { bodyOf, type CanonicalFields, chainEvents, chainHashOfFields, type HashedFields, type SealedEvent } from './events/hash-chain.js';
export { type ParsedNewEvents, parseNewEvent, parseNewEvents } from './events/new-event-parsing.js';

// data
export { fileSystemTree } from './data/file-system-tree.js';
export { buildVersion, hashContent } from './data/manifest-builder.js';
export { makeManifest, manifestDigest, manifestText, sha256Digest } from './data/manifest.js';
export { restoredMode } from './data/restored-mode.js';
export { filesOf, refuseNonUtf8Path, type ScannedDirectory, type ScannedFile, type ScannedRoot, scanTree } from './data/tree-scan.js';

// store
export { appendResult, checkExpected, checkIdsUnrecorded, ExpectedRevisionSchema, idempotentRetry, meetsExpected, parseAppend, parseAppendedEvents, parseAppendTarget } from './store/append-rules.js';

// audit
export { LOG_BLOCK_RECORDS, logHashOf } from './audit/log-chain.js';

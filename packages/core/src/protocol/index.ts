export * from './protocol-block-error.js';
export { protocolTimestampToIso } from './protocol-timestamp.js';
export { RunBlockSchema, ProtocolDataPathSchema, RUN_BLOCK_KEYS, blockMetricPoints, type RunBlock, type ProtocolMetricPoint } from './run-block.js';
export { parseRunBlock } from './parse-run-block.js';
export { MAX_RUN_ID_LENGTH } from './run-marker.js';
export * from './protocol-stream-parser.js';
export { ARTEFACT_LABEL_PREFIX, modelsFromArtefactLabels } from './artefact-labels.js';
export * from './protocol-run-plan.js';
export * from './notebook-run-blocks.js';

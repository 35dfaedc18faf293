export * from './run-workload.js';
export { WORKLOAD_LOG_PATH, workloadLogDataset, workloadScript } from './workload-run.js';
export type { WorkloadExit } from './workload-process.js';
export type { WorkloadError } from './protocol-run-recording.js';

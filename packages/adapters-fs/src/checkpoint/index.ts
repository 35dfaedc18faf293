export { FsCheckpointStore, checkpointFileName } from './fs-checkpoint-store.js';

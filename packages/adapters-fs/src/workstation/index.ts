export {
  GitCodeInspector,
  scriptDigest,
  DEFAULT_MAX_PATCH_BYTES,
  DEFAULT_MAX_UNTRACKED_BYTES,
  DEFAULT_MAX_UNTRACKED_FILE_BYTES,
  type GitCodeInspectorOptions,
  type UncommittedChange,
} from './git-code-inspector.js';
export type { OmissionReason, OmittedUntrackedFile } from './uncommitted-change.js';
export { DEFAULT_GIT_TIMEOUT_MS, type GitProcessOptions } from './git-process.js';
export { GitCommandError, ScriptNotFoundError, UncommittedChangeTooLargeError, WorkingDirectoryNotFoundError } from './workstation-errors.js';
export { NodeEnvironment, type NodeEnvironmentOptions } from './node-environment.js';
export { SystemClock, type SystemClockOptions } from './system-clock.js';
export { RandomIdGenerator, type RandomIdGeneratorOptions } from './random-id-generator.js';
export { findDependencyManifests, isDependencyManifest } from './dependency-manifests.js';
export { allowedVariables, DEFAULT_ALLOWED_VARIABLES, ENVIRONMENT_ALLOW_VARIABLE } from './environment-allow-list.js';
export { executableOnPath } from './executable-path.js';
export { cacheDirectory, InterpreterCache } from './interpreter-cache.js';
export { describePython, isPythonProgram, type PythonDescription } from './python-interpreter.js';

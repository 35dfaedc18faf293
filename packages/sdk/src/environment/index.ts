export * from './manifest-recording-environment.js';
/** The workstation's environment description, for commands that compare a run's environment with this machine's (ds reproduce). */
export { allowedVariables, cacheDirectory, describePython, InterpreterCache, NodeEnvironment, type PythonDescription } from '@dotscience/adapters-fs';

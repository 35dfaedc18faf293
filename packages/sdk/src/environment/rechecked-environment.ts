import { readdirSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { allowedVariables, DEFAULT_ALLOWED_VARIABLES, ENVIRONMENT_ALLOW_VARIABLE, isDependencyManifest } from '@dotscience/adapters-fs';
import type { Environment, EnvironmentInfo, WorkloadProgram } from '@dotscience/core';
import { environmentWitnesses } from './environment-witnesses.js';

/** A path's modification and change times, size and inode, or a mark for a missing one. */
function stampOf(path: string): string {
  try {
    const { mtimeMs, ctimeMs, size, ino } = statSync(path);
    return `${mtimeMs}:${ctimeMs}:${size}:${ino}`;
  } catch {
    return '-';
  }
}

function listing(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

const isWitnessed = (name: string): boolean => name === 'node_modules' || isDependencyManifest(name);

/** Variables the description reads besides the allow-listed ones: the account's name when it has no passwd entry, PATH (interpreters, GPUs). */
const READ_VARIABLES = ['USER', 'USERNAME', 'LOGNAME', 'PATH', ENVIRONMENT_ALLOW_VARIABLE, ...DEFAULT_ALLOWED_VARIABLES];

/**
 * What the description reads of the process rather than of files: host, account and variables.
 * Variables are read by name (listing the environment costs ~50 µs); all are listed only when
 * DOTSCIENCE_ENV_ALLOW names a prefix.
 */
function processFacts(): string {
  const env = process.env;
  const named = (env[ENVIRONMENT_ALLOW_VARIABLE] ?? '').split(/[\s,]+/);
  const variables = [...READ_VARIABLES, ...named].map((name) => env[name] ?? null);
  const byPrefix = named.some((name) => name.endsWith('*')) ? allowedVariables(env) : null;
  return JSON.stringify([hostname(), process.getuid?.() ?? null, variables, byPrefix]);
}

interface Described {
  environment: Environment;
  key: string;
  witnesses: string[];
  stamp: string;
  info: EnvironmentInfo;
}

/**
 * The environment of a process that records many runs (a sweep): described once, then
 * handed out again as long as nothing the description reads has changed — re-checked before
 * every run by the host, account, PATH and allow-listed variables of this process, and the
 * modification times of the directories from the run's working directory and script up to
 * the root and of the dependency manifests and node_modules directories in them
 * (environment-witnesses.ts). A package replaced inside node_modules without its directory
 * entry, its lockfile or package.json changing is seen by the next process (docs/decisions.md D175).
 */
export class RecheckedEnvironment implements Environment {
  private last: Described | undefined;

  /** `environment`: the live environment (the lease may reopen the stores, and its manifests' data store, between runs). */
  constructor(private readonly environment: () => Environment) {}

  async describe(cwd: string, workload: WorkloadProgram = {}): Promise<EnvironmentInfo> {
    const environment = this.environment();
    const key = JSON.stringify([resolve(cwd), workload]);
    const last = this.last;
    if (last?.environment === environment && last.key === key && last.stamp === stampWith(last.witnesses)) return structuredClone(last.info);
    const starts = [cwd, ...(workload.script === undefined ? [] : [dirname(resolve(cwd, workload.script))])];
    // Stamped before the description: a change made while it is read is seen by the next run.
    const witnesses = environmentWitnesses(starts, listing, isWitnessed);
    const stamp = stampWith(witnesses);
    const info = await environment.describe(cwd, workload);
    this.last = { environment, key, witnesses, stamp, info: structuredClone(info) };
    return info;
  }

  describeProcess(): EnvironmentInfo {
    return this.environment().describeProcess();
  }
}

function stampWith(witnesses: readonly string[]): string {
  return `${processFacts()}|${witnesses.map(stampOf).join('|')}`;
}

import { arch, hostname, platform, release, userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { Environment, EnvironmentInfo, WorkloadProgram } from '@dotscience/core';
import { allowedVariables } from './environment-allow-list.js';
import { resolvePackageVersions } from './installed-packages.js';
import { cacheDirectory, InterpreterCache } from './interpreter-cache.js';
import { describeMachine } from './machine-description.js';
import { nearestPackageManifest } from './package-manifest.js';
import { findUp, readProjectFile } from './project-files.js';
import { parseRequirements } from './python-requirements.js';
import { describePython, isPythonProgram } from './python-interpreter.js';

export interface NodeEnvironmentOptions {
  /** Told about project files that could not be used (a malformed package.json); the description goes on without them. */
  readonly onProblem?: (message: string) => void;
  /** The account running the process; default `os.userInfo().username`. */
  readonly accountName?: () => string;
  /**
   * The environment the workload runs in: consulted when the account has no name (`USER`,
   * `USERNAME`), for the allow-listed variables (DOTSCIENCE_ENV_ALLOW) and to find a
   * workload's interpreter on its PATH; default `process.env`.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where interpreter answers are cached; default DOTSCIENCE_CACHE_DIR, $XDG_CACHE_HOME/dotscience or ~/.cache/dotscience. */
  readonly cacheDirectory?: string;
}

/**
 * Environment of the local Node process: runtime, OS, host, user, machine, allow-listed
 * variables, and the package versions of the project around `cwd` (nearest package.json,
 * resolved to installed versions, and the nearest requirements.txt for Python projects). A
 * workload run by Python is described by its own interpreter instead: its version and the
 * distributions it has installed (asked once per interpreter, then cached).
 */
export class NodeEnvironment implements Environment {
  private readonly cache: InterpreterCache;

  constructor(private readonly options: NodeEnvironmentOptions = {}) {
    this.cache = new InterpreterCache(options.cacheDirectory ?? cacheDirectory(options.env ?? process.env));
  }

  async describe(cwd: string, workload: WorkloadProgram = {}): Promise<EnvironmentInfo> {
    const env = this.options.env ?? process.env;
    const program = workload.command?.[0];
    const [python, machine] = await Promise.all([
      program !== undefined && isPythonProgram(program) ? describePython(program, resolve(cwd), env, this.cache) : undefined,
      describeMachine(env),
    ]);
    const variables = allowedVariables(env);
    const common = { ...this.describeProcess(), machine, variables };
    if (python !== undefined) return { ...common, runtime: python.runtime, interpreter: python.interpreter, packages: python.packages };
    const packages = await this.packages(resolve(cwd));
    return { ...common, ...(packages.size > 0 ? { packages: Object.fromEntries(packages) } : {}) };
  }

  /** Runtime, OS, host and user, read synchronously (no package versions: those take reading project files). */
  describeProcess(): EnvironmentInfo {
    return { runtime: `node ${process.version}`, os: `${platform()} ${release()} ${arch()}`, host: hostname(), user: this.user() };
  }

  private user(): string {
    const env = this.options.env ?? process.env;
    try {
      const name = (this.options.accountName ?? (() => userInfo().username))();
      if (name) return name;
    } catch {
      // no passwd entry for this uid (containers): fall back to the environment
    }
    return env['USER'] || env['USERNAME'] || env['LOGNAME'] || 'unknown';
  }

  private async packages(cwd: string): Promise<Map<string, string>> {
    const packages = new Map<string, string>();
    const lookup = await nearestPackageManifest(cwd);
    if (lookup.kind === 'malformed') {
      this.options.onProblem?.(`package versions not recorded: ${lookup.path} ${lookup.problem} — fix it to record them`);
    } else if (lookup.kind === 'found') {
      for (const [name, version] of await resolvePackageVersions(lookup.manifest)) packages.set(name, version);
    }
    const requirementsFile = await findUp(cwd, 'requirements.txt');
    const requirements = requirementsFile === undefined ? undefined : await readProjectFile(requirementsFile);
    for (const [name, version] of parseRequirements(requirements ?? '')) {
      // An npm and a PyPI package of the same name both stay: the Python one under `pypi:<name>`.
      packages.set(packages.has(name) ? `pypi:${name}` : name, version);
    }
    return packages;
  }
}

import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { findDependencyManifests } from '@dotscience/adapters-fs';
import type { DataStore, Environment, EnvironmentInfo, WorkloadProgram } from '@dotscience/core';

/** Manifests larger than this are not stored (a lockfile is far below it). */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/**
 * Environment that also keeps the dependency manifests of the run's project roots
 * (package.json and lockfiles, requirements*.txt, pyproject.toml and its locks,
 * environment.yml: see findDependencyManifests) as file versions in the DataStore, so that
 * `ds reproduce` restores them. One that cannot be stored is left out with a warning.
 */
export class ManifestRecordingEnvironment implements Environment {
  constructor(
    private readonly inner: Environment,
    private readonly data: DataStore,
    private readonly warn: (message: string) => void = (message) => void process.stderr.write(`ds: warning: ${message}\n`),
  ) {}

  async describe(cwd: string, workload: WorkloadProgram = {}): Promise<EnvironmentInfo> {
    const starts = [resolve(cwd), ...(workload.script === undefined ? [] : [dirname(resolve(cwd, workload.script))])];
    const [info, paths] = await Promise.all([this.inner.describe(cwd, workload), findDependencyManifests(starts)]);
    const manifests: NonNullable<EnvironmentInfo['manifests']> = [];
    for (const path of paths) {
      try {
        if ((await stat(path)).size > MAX_MANIFEST_BYTES) continue;
        manifests.push({ path, version: await this.data.capture(path, { label: 'manifest' }) });
      } catch (error) {
        this.warn(`the dependency manifest ${path} was not stored with the run (${(error as Error).message}); ds reproduce cannot restore it`);
      }
    }
    return manifests.length > 0 ? { ...info, manifests } : info;
  }

  describeProcess(): EnvironmentInfo {
    return this.inner.describeProcess();
  }
}

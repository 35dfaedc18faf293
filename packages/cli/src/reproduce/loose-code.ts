import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import type { RunView } from '@dotscience/sdk';
import type { Dotscience } from '@dotscience/sdk';
import { RestoredPaths } from './restored-paths.js';

/** The code root of a snapshot outside the run's working directory: the nearest directory at or above it that held a recorded package.json or pyproject.toml (its project), else the snapshot's own directory. */
export function codeRootOf(run: RunView): string | undefined {
  const snapshot = run.codeVersion.snapshot;
  const cwd = run.workload.cwd;
  if (snapshot === undefined || cwd === undefined) return undefined;
  if (!relative(cwd, snapshot.directory).startsWith('..')) return undefined;
  const projects = (run.environment.manifests ?? [])
    .map((m) => m.path)
    .filter((p) => /(^|\/)(package\.json|pyproject\.toml)$/.test(p))
    .map(dirname);
  const above = projects.filter((dir) => !relative(dir, snapshot.directory).startsWith('..')).sort((a, b) => b.length - a.length);
  return above[0] ?? snapshot.directory;
}

export interface RestoredCode {
  /** Where the script's directory was restored. */
  directory: string;
  files: number;
}

/** Restore a run's code snapshot (code not in git) where `paths` puts its directory. */
export async function restoreSnapshot(ds: Dotscience, run: RunView, paths: RestoredPaths): Promise<RestoredCode | undefined> {
  const snapshot = run.codeVersion.snapshot;
  if (snapshot === undefined) return undefined;
  const directory = paths.of(snapshot.directory);
  await mkdir(directory, { recursive: true });
  const staging = join(directory, `.ds-code-${process.pid}`);
  await ds.data.materialize(snapshot.files, staging);
  for (const name of await readdir(staging)) {
    const target = join(directory, name);
    if (!existsSync(target)) await rename(join(staging, name), target);
  }
  await rm(staging, { recursive: true, force: true });
  return { directory, files: snapshot.files.files };
}

export interface RestoredManifest {
  path: string;
  target: string;
  /** Not written: the checkout already has a file there (the commit's own). */
  kept: boolean;
}

/** Restore the run's dependency manifests (each where `paths` puts it; a file the checkout already has is kept). */
export async function restoreManifests(ds: Dotscience, run: RunView, paths: RestoredPaths): Promise<{ restored: RestoredManifest[]; missing: string[] }> {
  const restored: RestoredManifest[] = [];
  const missing: string[] = [];
  for (const manifest of run.environment.manifests ?? []) {
    const target = paths.of(manifest.path);
    if (existsSync(target)) {
      restored.push({ path: manifest.path, target, kept: true });
      continue;
    }
    if (!(await ds.data.has(manifest.version))) {
      missing.push(manifest.path);
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await ds.data.materialize(manifest.version, target);
    restored.push({ path: manifest.path, target, kept: false });
  }
  return { restored, missing };
}

/**
 * Node packages are not stored with the run (only their manifests and lockfile): next to each
 * restored package.json whose original directory still has its node_modules, the reproduction
 * links to them, so the code runs as it is; the caller says so plainly. Returns the linked directories.
 */
export async function linkNodeModules(manifests: readonly RestoredManifest[]): Promise<string[]> {
  const linked: string[] = [];
  for (const manifest of manifests) {
    if (basename(manifest.path) !== 'package.json' || manifest.kept) continue;
    const original = join(dirname(manifest.path), 'node_modules');
    const target = join(dirname(manifest.target), 'node_modules');
    if (!existsSync(original) || existsSync(target)) continue;
    await symlink(original, target, 'dir');
    linked.push(original);
  }
  return linked;
}

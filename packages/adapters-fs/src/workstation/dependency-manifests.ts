import { readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ancestors, findUp } from './project-files.js';

/** The files that say which packages a project needs, by exact name. */
const MANIFEST_NAMES = new Set([
  'package.json',
  'package-lock.json',
  'npm-shrinkwrap.json',
  'pnpm-lock.yaml',
  'yarn.lock',
  'pyproject.toml',
  'poetry.lock',
  'uv.lock',
  'pdm.lock',
  'Pipfile',
  'Pipfile.lock',
  'setup.cfg',
  'environment.yml',
  'environment.yaml',
  'conda-lock.yml',
]);
/** `requirements.txt`, `requirements-dev.txt`, `requirements_gpu.txt`, `requirements.in`. */
const REQUIREMENTS = /^requirements([-_.][\w.-]+)?\.(txt|in)$/;
const NODE_LOCKFILES = ['pnpm-lock.yaml', 'package-lock.json', 'yarn.lock'];

export const isDependencyManifest = (name: string): boolean => MANIFEST_NAMES.has(name) || REQUIREMENTS.test(name);

async function manifestsIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && isDependencyManifest(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

/**
 * The dependency manifests of the projects around `starts` (the run's working directory, its
 * script's directory): for each, every manifest in the nearest directory at or above it that
 * has one (the project root; the walk stops below the home directory and the file-system
 * root), plus the nearest Node lockfile above a package.json (a workspace's lockfile sits at
 * its top). Absolute paths, each once.
 */
export async function findDependencyManifests(starts: readonly string[]): Promise<string[]> {
  const home = homedir();
  const found = new Set<string>();
  for (const start of starts) {
    for (const dir of ancestors(start)) {
      if (dir === home || ancestors(dir).length === 1) break;
      const manifests = await manifestsIn(dir);
      if (manifests.length === 0) continue;
      for (const path of manifests) found.add(path);
      const names = new Set(manifests.map((path) => path.slice(dir.length + 1)));
      if (names.has('package.json') && !NODE_LOCKFILES.some((name) => names.has(name))) {
        for (const name of NODE_LOCKFILES) {
          const lockfile = await findUp(dir, name);
          if (lockfile !== undefined) {
            found.add(lockfile);
            break;
          }
        }
      }
      break;
    }
  }
  return [...found];
}

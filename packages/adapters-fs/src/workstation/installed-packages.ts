import { dirname, join, relative, sep } from 'node:path';
import { z } from 'zod';
import { npmLockedVersions } from './npm-lockfile.js';
import type { PackageManifest } from './package-manifest.js';
import { pnpmLockedVersions } from './pnpm-lockfile.js';
import { ancestors, findUp, parseJson, readProjectFile } from './project-files.js';

const InstalledPackageSchema = z.object({ version: z.string().min(1) });

/** `name` or `@scope/name`, with no segment that would lead out of node_modules. */
const isPackageName = (name: string): boolean => /^(@[^/\\]+\/)?[^/\\]+$/.test(name) && name.split('/').every((segment) => segment !== '.' && segment !== '..');

/** The version in `node_modules/<name>/package.json`, searched from `dir` upwards as Node resolves it. */
async function installedVersion(dir: string, name: string): Promise<string | undefined> {
  if (!isPackageName(name)) return undefined;
  for (const base of ancestors(dir)) {
    const text = await readProjectFile(join(base, 'node_modules', name, 'package.json'));
    if (text === undefined) continue;
    const parsed = InstalledPackageSchema.safeParse(parseJson(text));
    if (parsed.success) return parsed.data.version;
  }
  return undefined;
}

const toPosix = (path: string): string => path.split(sep).join('/');

/** Versions the nearest lockfile (pnpm-lock.yaml, else package-lock.json) pins for the manifest's dependencies. */
async function lockedVersions(manifest: PackageManifest): Promise<Map<string, string>> {
  const pnpmLock = await findUp(manifest.dir, 'pnpm-lock.yaml');
  const npmLock = await findUp(manifest.dir, 'package-lock.json');
  // The nearer lockfile governs; pnpm's wins a tie.
  const lockfile = [pnpmLock, npmLock].filter((path): path is string => path !== undefined).sort((a, b) => b.length - a.length)[0];
  if (lockfile === undefined) return new Map();
  const text = await readProjectFile(lockfile);
  if (text === undefined) return new Map();
  const importer = toPosix(relative(dirname(lockfile), manifest.dir));
  return lockfile === pnpmLock ? pnpmLockedVersions(text, importer || '.') : npmLockedVersions(text, importer, manifest.declared.keys());
}

/**
 * Each declared dependency resolved to the version actually installed (node_modules),
 * else the version the lockfile pins, else the declared range.
 */
export async function resolvePackageVersions(manifest: PackageManifest): Promise<Map<string, string>> {
  const locked = await lockedVersions(manifest);
  const resolved = new Map<string, string>();
  const names = [...manifest.declared.keys()].sort();
  const installed = await Promise.all(names.map((name) => installedVersion(manifest.dir, name)));
  names.forEach((name, i) => {
    resolved.set(name, installed[i] ?? locked.get(name) ?? manifest.declared.get(name)!);
  });
  return resolved;
}

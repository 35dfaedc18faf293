import { z } from 'zod';
import { parseJson } from './project-files.js';

const LockedEntry = z.object({ version: z.string().optional() });
const PackageLockSchema = z.object({
  /** lockfileVersion 2 and 3: install paths (`node_modules/x`, `packages/a/node_modules/x`) → entry. */
  packages: z.record(z.string(), LockedEntry).optional(),
  /** lockfileVersion 1: name → entry. */
  dependencies: z.record(z.string(), LockedEntry).optional(),
});

/**
 * Versions package-lock.json pins for the dependencies of one importer (`importer` is the
 * package's directory relative to the lockfile, '' for the root). A package's own
 * node_modules wins over the hoisted one, as Node resolves it. Malformed → empty map.
 */
export function npmLockedVersions(text: string, importer: string, names: Iterable<string>): Map<string, string> {
  const parsed = PackageLockSchema.safeParse(parseJson(text));
  const versions = new Map<string, string>();
  if (!parsed.success) return versions;
  const { packages, dependencies } = parsed.data;
  for (const name of names) {
    const candidates = [importer === '' ? undefined : `${importer}/node_modules/${name}`, `node_modules/${name}`];
    const version =
      candidates.map((path) => (path === undefined ? undefined : packages?.[path]?.version)).find((v) => v !== undefined) ?? dependencies?.[name]?.version;
    if (version !== undefined) versions.set(name, version);
  }
  return versions;
}

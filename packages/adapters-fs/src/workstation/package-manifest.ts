import { dirname } from 'node:path';
import { z } from 'zod';
import { findUp, parseJson, readProjectFile } from './project-files.js';

const DependencyMap = z.record(z.string().min(1), z.string());

/** The parts of a package.json the environment reads; everything else is ignored. */
const PackageManifestSchema = z.object({
  dependencies: DependencyMap.optional(),
  devDependencies: DependencyMap.optional(),
  optionalDependencies: DependencyMap.optional(),
});

export interface PackageManifest {
  /** Directory holding the package.json. */
  readonly dir: string;
  /** Declared dependencies (dependencies, devDependencies, optionalDependencies): name → range. */
  readonly declared: ReadonlyMap<string, string>;
}

export type ManifestLookup =
  | { readonly kind: 'found'; readonly manifest: PackageManifest }
  | { readonly kind: 'none' }
  | { readonly kind: 'malformed'; readonly path: string; readonly problem: string };

/** The nearest package.json walking up from `cwd`, parsed. */
export async function nearestPackageManifest(cwd: string): Promise<ManifestLookup> {
  const path = await findUp(cwd, 'package.json');
  if (path === undefined) return { kind: 'none' };
  const text = await readProjectFile(path);
  if (text === undefined) return { kind: 'malformed', path, problem: 'cannot be read' };
  const json = parseJson(text);
  if (json === undefined) return { kind: 'malformed', path, problem: 'is not valid JSON' };
  const parsed = PackageManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: 'malformed', path, problem: `${issue?.path.map(String).join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
  }
  const { dependencies, devDependencies, optionalDependencies } = parsed.data;
  const declared = new Map(Object.entries({ ...devDependencies, ...optionalDependencies, ...dependencies }));
  return { kind: 'found', manifest: { dir: dirname(path), declared } };
}

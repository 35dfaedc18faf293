import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineProjection, DotscienceError, type Projection, type ProjectionDefinition } from '@dotscience/sdk';

/** A --projection file that cannot be loaded or exports no projection. */
export class ProjectionModuleError extends DotscienceError {
  readonly code = 'PROJECTION_MODULE';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`projection module ${file}: ${reason}`);
  }
}

function looksLikeProjection(value: unknown): value is ProjectionDefinition<unknown> {
  return typeof value === 'object' && value !== null && 'name' in value && 'version' in value && 'handlers' in value;
}

/**
 * The projections an ES module exports (its default export, else every named
 * export shaped like one), each checked with defineProjection — so a module may
 * export `defineProjection({...})` or the plain definition object.
 */
export async function loadProjectionModule(file: string): Promise<Array<Projection<unknown>>> {
  const path = resolve(file);
  if (!existsSync(path)) throw new ProjectionModuleError(file, 'does not exist');
  if (/\.(c|m)?ts$/.test(path)) {
    throw new ProjectionModuleError(file, 'is TypeScript, which this Node cannot load — compile it to JavaScript (tsc, esbuild) and pass the .js file');
  }
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ProjectionModuleError(file, `cannot be loaded: ${(error as Error).message}`);
  }
  const candidates = looksLikeProjection(module.default) ? [module.default] : Object.values(module).filter(looksLikeProjection);
  if (candidates.length === 0) {
    throw new ProjectionModuleError(
      file,
      'exports no projection — export default defineProjection({ name, version, initial, handlers }) (or the plain object)',
    );
  }
  return candidates.map((c) => defineProjection(c));
}

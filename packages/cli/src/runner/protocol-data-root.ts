import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { normalizeDataPath } from '@dotscience/sdk';

/** The variable the original Python library reads its root from (paths in its blocks are relative to it). */
export const PROJECT_DOT_ROOT_VARIABLE = 'DOTSCIENCE_PROJECT_DOT_ROOT';

/** Where a path named in a run block is, and how the run records it. */
export interface BlockDataPath {
  /** The path as the block printed it. */
  printed: string;
  /** Where it is on this machine. */
  absolute: string;
  /** What the run records as its path and dataset name: relative to the root, or the absolute path for data outside it. */
  recorded: string;
  /** Outside the root: data that entered from elsewhere, named by its absolute path. */
  external: boolean;
}

function physical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * The directory the paths of a program's run blocks are relative to, as the
 * original library computes them (`os.path.relpath(path, root)` with root =
 * DOTSCIENCE_PROJECT_DOT_ROOT, else its working directory). `ds run` sets that
 * variable to the project's root unless the user did, so the library and the
 * runner agree and a script run from `src/` names `data/x.csv` as its own
 * project's dataset.
 */
export class ProtocolDataRoot {
  readonly directory: string;

  private constructor(directory: string) {
    this.directory = physical(directory);
  }

  /** The root a workload's blocks use: the user's DOTSCIENCE_PROJECT_DOT_ROOT (relative to cwd), else the project root. */
  static forWorkload(env: NodeJS.ProcessEnv, cwd: string, projectRoot: string): ProtocolDataRoot {
    const given = env[PROJECT_DOT_ROOT_VARIABLE];
    return new ProtocolDataRoot(given ? resolve(cwd, given) : projectRoot);
  }

  /** A block's path: resolved against the root; inside it recorded relative to it, outside it (absolute or `..`) by its absolute path. */
  locate(printed: string): BlockDataPath {
    const absolute = resolve(this.directory, printed);
    const inside = relative(this.directory, absolute);
    const external = inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside);
    const recorded = external ? normalizeDataPath(absolute) : normalizeDataPath(inside === '' ? '.' : inside);
    return { printed, absolute, recorded, external };
  }
}

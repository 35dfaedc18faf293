import { basename, isAbsolute, join, relative, resolve } from 'node:path';

const inside = (parent: string, path: string): string | undefined => {
  const rel = relative(parent, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel)) ? rel : undefined;
};

/**
 * Where a path the run knew lands in the reproduction: under the run's working directory it
 * keeps its place below the reproduced working directory; under the code root (the project
 * directory of code kept outside it, e.g. the examples a script came from) its place below
 * the reproduced code directory; anything else goes into the code directory by its name.
 */
export class RestoredPaths {
  constructor(
    /** The run's working directory and where it is reproduced. */
    private readonly cwd: { original: string; restored: string },
    /** The code root outside the working directory, when there is one. */
    private readonly code?: { original: string; restored: string },
  ) {}

  /** The reproduced place of an absolute `path` of the run. */
  of(path: string): string {
    const inCwd = inside(this.cwd.original, path);
    if (inCwd !== undefined) return join(this.cwd.restored, inCwd);
    if (this.code !== undefined) {
      const inCode = inside(this.code.original, path);
      if (inCode !== undefined) return join(this.code.restored, inCode);
      return join(this.code.restored, basename(path));
    }
    return join(this.cwd.restored, basename(path));
  }

  /** An argument of the command line: when it names `script` (as the run resolved it), its reproduced place relative to the working directory. */
  argument(arg: string, script: string | undefined): string {
    if (script === undefined || arg.startsWith('-') || resolve(this.cwd.original, arg) !== script) return arg;
    const restored = this.of(script);
    const rel = relative(this.cwd.restored, restored);
    return rel.startsWith('..') ? restored : rel;
  }
}

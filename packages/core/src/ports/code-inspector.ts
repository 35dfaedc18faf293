import type { CodeVersion } from '../events/catalogue.js';

/** What an inspection leaves out of the code version. */
export interface CodeInspectionOptions {
  /**
   * Paths (absolute, or relative to `cwd`) that are data, not code: declared inputs and
   * outputs, a store directory. Untracked files at or under them never make the code
   * dirty and are never read. The project folder `.dotscience/` is always left out.
   */
  readonly exclude?: readonly string[];
}

export interface CodeInspector {
  /**
   * The code version of the working directory `cwd` (git commit, dirty flag, diff digest) and of
   * `script` if given. Outside a git repository the version has no git fields at all (not
   * `dirty: false`): unversioned code must not look clean. Untracked files over the inspector's
   * size limits are never read: they are listed by path and size in `omittedFiles`.
   */
  inspect(cwd: string, script?: string, options?: CodeInspectionOptions): Promise<CodeVersion>;
}
export const CodeInspector = Symbol.for('dotscience.CodeInspector');

import type { CodeVersion } from '../events/catalogue.js';

export interface CodeInspector {
  /**
   * The code version of the working directory `cwd` (git commit, dirty flag, diff digest) and of
   * `script` if given. Outside a git repository the version has no git fields at all (not
   * `dirty: false`): unversioned code must not look clean.
   */
  inspect(cwd: string, script?: string): Promise<CodeVersion>;
}
export const CodeInspector = Symbol.for('dotscience.CodeInspector');

import { scriptDigest } from '@dotscience/adapters-fs';
import type { CodeInspector, CodeVersion } from '@dotscience/core';

/**
 * The code inspector for runs a program records while it runs (`ds run` blocks): the
 * working tree as it was inspected before the program started, so that what the
 * program writes meanwhile (its outputs, untracked) never counts as its code; only the
 * digest of a run's own script is read when asked.
 */
export class CodeVersionAtStart implements CodeInspector {
  private readonly tree: CodeVersion;

  constructor(atStart: CodeVersion) {
    const tree = { ...atStart };
    delete tree.scriptDigest;
    this.tree = tree;
  }

  async inspect(cwd: string, script?: string): Promise<CodeVersion> {
    return script === undefined ? { ...this.tree } : { ...this.tree, scriptDigest: await scriptDigest(cwd, script) };
  }
}

import { scriptDigest } from '@dotscience/adapters-fs';
import type { CodeInspectionOptions, CodeInspector, CodeVersion } from '@dotscience/core';

/** How a run that names data of its own is inspected again: the live inspector and what the start inspection left out. */
export interface ReinspectionWithoutData {
  inspector: CodeInspector;
  /** The paths the start inspection excluded (data the project already knew). */
  exclude: readonly string[];
}

/**
 * The code inspector for runs a program records while it runs (`ds run` blocks): the
 * working tree as it was inspected before the program started, so that what the
 * program writes meanwhile (its outputs, untracked) never counts as its code; only the
 * digest of a run's own script is read when asked.
 *
 * A run that names data (`exclude`: its declared inputs and outputs) when the tree
 * at start was dirty may have had that data counted as untracked code (an input
 * the project did not know yet): its code version is then inspected again with
 * the start's exclusions and its own data left out, when a `reinspect` is given.
 */
export class CodeVersionAtStart implements CodeInspector {
  private readonly tree: CodeVersion;

  constructor(
    atStart: CodeVersion,
    private readonly reinspect?: ReinspectionWithoutData,
  ) {
    const tree = { ...atStart };
    delete tree.scriptDigest;
    this.tree = tree;
  }

  async inspect(cwd: string, script?: string, options: CodeInspectionOptions = {}): Promise<CodeVersion> {
    const data = options.exclude ?? [];
    if (this.reinspect !== undefined && this.tree.dirty === true && data.length > 0) {
      return this.reinspect.inspector.inspect(cwd, script, { exclude: [...this.reinspect.exclude, ...data] });
    }
    return script === undefined ? { ...this.tree } : { ...this.tree, scriptDigest: await scriptDigest(cwd, script) };
  }
}

import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { CodeInspectionOptions, CodeInspector, CodeVersion } from '@dotscience/core';

/** The git directory of the repository around `cwd` (`.git`, or where a worktree's `.git` file points), if any. */
function gitDirectoryOf(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    try {
      if (statSync(dotGit).isDirectory()) return dotGit;
      const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'))?.[1]?.trim();
      if (pointer !== undefined) return isAbsolute(pointer) ? pointer : resolve(dir, pointer);
    } catch {
      // no .git here
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** A file's modification time and size, or a mark for a missing file. */
function stampOf(path: string): string {
  try {
    const { mtimeMs, size, ino } = statSync(path);
    return `${mtimeMs}:${size}:${ino}`;
  } catch {
    return '-';
  }
}

interface Inspected {
  key: string;
  stamp: string;
  version: CodeVersion;
}

/**
 * The code version of a process that records many runs (a sweep): inspected once,
 * then handed out again as long as nothing git or the script show has changed —
 * re-checked cheaply before every run by the modification times of the script, the
 * working directory, the git index, HEAD and the ref it names (an edit of the script,
 * a commit, a checkout, a `git add`, a new file beside the script). An edit of another
 * tracked file that is neither staged nor the script is not seen until one of those
 * changes: what the issue accepts for sweeps (docs/decisions.md).
 */
export class RecheckedCodeVersions implements CodeInspector {
  private last: Inspected | undefined;
  private gitDirectories = new Map<string, string | undefined>();

  /** `inspector`: the live inspector, asked whenever the stamp changed (the lease may reopen the stores between runs). */
  constructor(private readonly inspector: () => CodeInspector) {}

  async inspect(cwd: string, script?: string, options: CodeInspectionOptions = {}): Promise<CodeVersion> {
    const key = JSON.stringify([cwd, script ?? null, options.exclude ?? []]);
    const stamp = this.stamp(cwd, script);
    if (this.last?.key === key && this.last.stamp === stamp) return structuredClone(this.last.version);
    const version = await this.inspector().inspect(cwd, script, options);
    // Stamped before the inspection: a change made while git ran is seen by the next run.
    this.last = { key, stamp, version: structuredClone(version) };
    return version;
  }

  private stamp(cwd: string, script: string | undefined): string {
    if (!this.gitDirectories.has(cwd)) this.gitDirectories.set(cwd, gitDirectoryOf(cwd));
    const git = this.gitDirectories.get(cwd);
    const files = [resolve(cwd), ...(script === undefined ? [] : [resolve(cwd, script)])];
    if (git !== undefined) {
      files.push(join(git, 'index'), join(git, 'HEAD'));
      const ref = /^ref:\s*(\S+)/.exec(readHead(git))?.[1];
      if (ref !== undefined) files.push(join(git, ref));
    }
    return files.map(stampOf).join('|');
  }
}

function readHead(git: string): string {
  try {
    return readFileSync(join(git, 'HEAD'), 'utf8');
  } catch {
    return '';
  }
}

import { copyFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { CodeInspectionOptions, CodeInspector, CodeVersion, DataStore } from '@dotscience/core';

/** Code files that travel with a script of each kind: the modules it may import from beside it. */
const FAMILIES: ReadonlyArray<readonly string[]> = [
  ['.py', '.ipynb'],
  ['.js', '.mjs', '.cjs'],
  ['.ts', '.mts', '.cts', '.tsx'],
  ['.r', '.R'],
  ['.jl'],
  ['.sh', '.bash'],
];

/** Limits on the snapshot: code beside a script, not data. */
export const SNAPSHOT_LIMITS = { files: 200, fileBytes: 1024 * 1024, totalBytes: 8 * 1024 * 1024 } as const;

/** The script and the files of its family beside it (not in subdirectories), within SNAPSHOT_LIMITS; the script always. */
async function codeBeside(script: string): Promise<string[]> {
  const directory = dirname(script);
  const family = FAMILIES.find((extensions) => extensions.includes(extname(script))) ?? [];
  const entries = await readdir(directory, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isFile() && e.name !== basename(script) && family.includes(extname(e.name)))
    .map((e) => e.name)
    .sort();
  const chosen = [basename(script)];
  let total = (await stat(script)).size;
  for (const name of names) {
    if (chosen.length >= SNAPSHOT_LIMITS.files) break;
    const bytes = (await stat(join(directory, name))).size;
    if (bytes > SNAPSHOT_LIMITS.fileBytes || total + bytes > SNAPSHOT_LIMITS.totalBytes) continue;
    chosen.push(name);
    total += bytes;
  }
  return chosen;
}

/**
 * CodeInspector that keeps code no commit holds: when the inspected code is not in git (no
 * commit) and the run has a script, the script and the code files of its kind beside it (its
 * local modules: `iris-table.js` next to `train-tree.js`) are captured through the DataStore as
 * one directory version, recorded as `CodeVersion.snapshot`, so `ds reproduce` can restore
 * them. A snapshot that cannot be taken is left out (the script's digest is still recorded).
 */
export class ScriptSnapshotCodeInspector implements CodeInspector {
  constructor(
    private readonly inner: CodeInspector,
    private readonly data: DataStore,
    private readonly warn: (message: string) => void = (message) => void process.stderr.write(`ds: warning: ${message}\n`),
  ) {}

  async inspect(cwd: string, script?: string, options?: CodeInspectionOptions): Promise<CodeVersion> {
    const version = await this.inner.inspect(cwd, script, options);
    if (version.gitCommit !== undefined || script === undefined || version.snapshot !== undefined) return version;
    const path = resolve(cwd, script);
    try {
      const files = await codeBeside(path);
      const scratch = await mkdtemp(join(tmpdir(), 'ds-code-'));
      try {
        for (const name of files) await copyFile(join(dirname(path), name), join(scratch, name));
        const ref = await this.data.capture(scratch, { label: 'code' });
        return { ...version, snapshot: { directory: dirname(path), files: ref, script: basename(path) } };
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    } catch (error) {
      this.warn(`the code of ${script} is not in git and could not be stored with the run (${(error as Error).message}); ds reproduce cannot restore it`);
      return version;
    }
  }
}

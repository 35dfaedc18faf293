import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UncommittedChange } from '@dotscience/adapters-fs';
import type { CodeInspectionOptions, CodeInspector, CodeVersion, DataStore, VersionRef } from '@dotscience/core';

/** A code inspector that can also hand over the uncommitted change itself (the fs adapter's GitCodeInspector). */
export interface UncommittedChangeSource extends CodeInspector {
  captureDiff(cwd: string, options?: CodeInspectionOptions): Promise<UncommittedChange | undefined>;
}

export interface PatchRecordingOptions {
  /** Receives each warning (patch not stored, files left out of it). Default: a `ds: warning:` line on stderr. */
  readonly warn?: (message: string) => void;
  /** Where the patch file is written before the data store captures it. Default: the OS temp directory. */
  readonly temporaryDirectory?: string;
  /** Paths left out of every inspection on top of the caller's (absolute: the local store and data directories). */
  readonly exclude?: readonly string[];
}

const PATCH_FILE = 'uncommitted-change.patch';
/** How many left-out files a warning names. */
const WARNED_FILES = 5;

function omissionWarning(change: UncommittedChange): string {
  const named = change.omitted.slice(0, WARNED_FILES).map((file) => `${file.path} (${file.bytes} bytes)`);
  const more = change.omitted.length - named.length;
  return (
    `${change.omitted.length} untracked file(s) of ${change.repository} over the code inspector's size limits were left out of the stored patch, unread ` +
    `(recorded by path and size; ds reproduce will not restore them): ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''} — ` +
    'declare data with ds.input/ds.output, ignore it in .gitignore, or raise DOTSCIENCE_CODE_MAX_UNTRACKED_FILE_BYTES / DOTSCIENCE_CODE_MAX_UNTRACKED_BYTES'
  );
}

function warnOnStderr(message: string): void {
  process.stderr.write(`ds: warning: ${message}\n`);
}

/**
 * CodeInspector that makes a dirty run reproducible: when the inspected working tree
 * has uncommitted changes, the whole change (tracked edits and untracked files, as one
 * `git apply`-able patch from `captureDiff`) is captured through the DataStore and
 * recorded as `CodeVersion.patch`. A clean tree costs nothing beyond the plain
 * inspection. When the patch cannot be stored the code version is returned without
 * it (the run is still recorded) and a warning says why.
 *
 * The stored patch's digest is the sha256 of the patch bytes, so it equals
 * `diffDigest` whenever no untracked file was too large for the patch.
 */
export class PatchRecordingCodeInspector implements CodeInspector {
  private readonly warn: (message: string) => void;
  private readonly temporaryDirectory: string;
  private readonly exclude: readonly string[];

  constructor(
    private readonly git: UncommittedChangeSource,
    private readonly data: DataStore,
    options: PatchRecordingOptions = {},
  ) {
    this.warn = options.warn ?? warnOnStderr;
    this.temporaryDirectory = options.temporaryDirectory ?? tmpdir();
    this.exclude = options.exclude ?? [];
  }

  async inspect(cwd: string, script?: string, options: CodeInspectionOptions = {}): Promise<CodeVersion> {
    const scope: CodeInspectionOptions = { exclude: [...this.exclude, ...(options.exclude ?? [])] };
    const version = await this.git.inspect(cwd, script, scope);
    if (version.dirty !== true) return version;
    let change: UncommittedChange | undefined;
    try {
      change = await this.git.captureDiff(cwd, scope);
      if (change === undefined) throw new Error('git no longer sees a working tree there');
    } catch (error) {
      this.warnNotStored(cwd, error);
      return version;
    }
    const current = this.agreeWith(version, change);
    if (current.dirty !== true) return current;
    if (change.omitted.length > 0) this.warn(omissionWarning(change));
    try {
      return { ...current, patch: await this.store(change.patch) };
    } catch (error) {
      this.warnNotStored(cwd, error);
      return current;
    }
  }

  /**
   * The code version that matches the captured patch. The tree may change between the
   * inspection and the capture (an editor saving, a commit): the later state is the one
   * the patch holds, so its commit and digest are recorded instead.
   */
  private agreeWith(version: CodeVersion, change: UncommittedChange): CodeVersion {
    if (change.diffDigest === version.diffDigest && change.baseCommit === version.gitCommit) return version;
    this.warn(`the working tree ${change.repository} changed while it was inspected; the run records its state when the patch was taken`);
    const rest: CodeVersion = { ...version };
    delete rest.gitCommit;
    delete rest.diffDigest;
    return {
      ...rest,
      ...(change.baseCommit !== undefined ? { gitCommit: change.baseCommit } : {}),
      dirty: change.diffDigest !== undefined,
      ...(change.diffDigest !== undefined ? { diffDigest: change.diffDigest } : {}),
    };
  }

  /** Capture the patch bytes as a single-file version; the temp file is removed whatever happens. */
  private async store(patch: Uint8Array): Promise<VersionRef> {
    const scratch = await mkdtemp(join(this.temporaryDirectory, 'ds-patch-'));
    try {
      const file = join(scratch, PATCH_FILE);
      await writeFile(file, patch);
      return await this.data.capture(file);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }

  private warnNotStored(cwd: string, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    this.warn(`the uncommitted change of ${cwd} was not stored with the run (${reason}); the run records only its digest, so ds reproduce cannot restore it`);
  }
}

import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CodeInspector, CodeVersion } from '@dotscience/core';
import { fileDigest } from './file-digest.js';
import { GitCli } from './git-cli.js';
import type { GitProcessOptions } from './git-process.js';
import { locateWorkingTree, type GitWorkingTree } from './git-working-tree.js';
import { ChangeDigest, streamUncommittedChange, type OmittedUntrackedFile } from './uncommitted-change.js';
import { ScriptNotFoundError, UncommittedChangeTooLargeError, WorkingDirectoryNotFoundError } from './workstation-errors.js';

export interface GitCodeInspectorOptions extends GitProcessOptions {
  /** Untracked files larger than this are left out of the patch and counted in the digest by content digest. Default 10 MiB. */
  readonly maxUntrackedFileBytes?: number;
  /** Largest patch `captureDiff` holds in memory. Default 256 MiB. */
  readonly maxPatchBytes?: number;
}

/** The uncommitted change of a working tree, for storing with a run and re-applying with `git apply`. */
export interface UncommittedChange {
  /** Absolute path of the top of the working tree; patch paths are relative to it. */
  readonly repository: string;
  /** The commit the patch applies to; absent in a repository with no commits yet. */
  readonly baseCommit?: string;
  /** `git apply`-able patch of tracked changes and untracked, non-ignored files (binary-safe); empty when clean. */
  readonly patch: Uint8Array;
  /** Equal to `CodeVersion.diffDigest` for the same state; absent when clean. */
  readonly diffDigest?: string;
  /** Untracked files too large to be carried in the patch. */
  readonly omitted: readonly OmittedUntrackedFile[];
}

export const DEFAULT_MAX_UNTRACKED_FILE_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_PATCH_BYTES = 256 * 1024 * 1024;

/**
 * CodeInspector over the local `git`: commit, branch, dirty flag and a digest of the
 * whole uncommitted change. Outside a working tree, or without git installed, the code
 * version simply has no git fields.
 */
export class GitCodeInspector implements CodeInspector {
  private readonly git: GitCli;
  private readonly maxUntrackedFileBytes: number;
  private readonly maxPatchBytes: number;

  constructor(options: GitCodeInspectorOptions = {}) {
    this.git = new GitCli(options);
    this.maxUntrackedFileBytes = options.maxUntrackedFileBytes ?? DEFAULT_MAX_UNTRACKED_FILE_BYTES;
    this.maxPatchBytes = options.maxPatchBytes ?? DEFAULT_MAX_PATCH_BYTES;
  }

  async inspect(cwd: string, script?: string): Promise<CodeVersion> {
    const directory = await existingDirectory(cwd);
    const scriptDigest = script === undefined ? undefined : await digestOfScript(directory, script);
    const withScript = scriptDigest === undefined ? {} : { scriptDigest };
    const tree = await locateWorkingTree(this.git, directory);
    if (tree === undefined) return withScript;
    const digest = new ChangeDigest();
    const { omitted } = await this.stream(tree, digest.update);
    const dirty = digest.patchBytes > 0 || omitted.length > 0;
    return {
      ...(tree.headCommit !== undefined ? { gitCommit: tree.headCommit } : {}),
      ...(tree.branch !== undefined ? { gitBranch: tree.branch } : {}),
      dirty,
      ...(dirty ? { diffDigest: digest.finish(omitted) } : {}),
      ...withScript,
    };
  }

  /** The uncommitted change of the working tree containing `cwd`; `undefined` outside one or without git. */
  async captureDiff(cwd: string): Promise<UncommittedChange | undefined> {
    const tree = await locateWorkingTree(this.git, await existingDirectory(cwd));
    if (tree === undefined) return undefined;
    const digest = new ChangeDigest();
    const chunks: Buffer[] = [];
    const { omitted } = await this.stream(tree, (chunk) => {
      digest.update(chunk);
      if (digest.patchBytes <= this.maxPatchBytes) chunks.push(chunk);
    });
    if (digest.patchBytes > this.maxPatchBytes) throw new UncommittedChangeTooLargeError(tree.root, this.maxPatchBytes);
    const dirty = digest.patchBytes > 0 || omitted.length > 0;
    return {
      repository: tree.root,
      ...(tree.headCommit !== undefined ? { baseCommit: tree.headCommit } : {}),
      patch: Buffer.concat(chunks),
      ...(dirty ? { diffDigest: digest.finish(omitted) } : {}),
      omitted,
    };
  }

  private stream(tree: GitWorkingTree, onPatch: (chunk: Buffer) => void) {
    return streamUncommittedChange(this.git, tree, { maxUntrackedFileBytes: this.maxUntrackedFileBytes }, onPatch);
  }
}

async function existingDirectory(cwd: string): Promise<string> {
  const directory = resolve(cwd);
  const info = await stat(directory).catch(() => undefined);
  if (!info?.isDirectory()) throw new WorkingDirectoryNotFoundError(directory);
  return directory;
}

async function digestOfScript(cwd: string, script: string): Promise<string> {
  const path = resolve(cwd, script);
  try {
    return await fileDigest(path);
  } catch (error) {
    throw new ScriptNotFoundError(path, (error as NodeJS.ErrnoException).code ?? String(error));
  }
}

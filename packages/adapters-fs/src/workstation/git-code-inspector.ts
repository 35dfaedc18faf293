import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CodeInspectionOptions, CodeInspector, CodeVersion } from '@dotscience/core';
import { fileDigest } from './file-digest.js';
import { GitCli } from './git-cli.js';
import type { GitProcessOptions } from './git-process.js';
import { locateWorkingTree, type GitWorkingTree } from './git-working-tree.js';
import { ChangeDigest, streamUncommittedChange, treeRelativePaths, type ChangeLimits, type OmittedUntrackedFile } from './uncommitted-change.js';
import { ScriptNotFoundError, UncommittedChangeTooLargeError, WorkingDirectoryNotFoundError } from './workstation-errors.js';

export interface GitCodeInspectorOptions extends GitProcessOptions {
  /** Untracked files larger than this are left out of the patch, unread, and counted in the digest by path and size. Default 1 MiB. */
  readonly maxUntrackedFileBytes?: number;
  /** The untracked files carried in the patch add up to at most this (smallest first); the rest are left out like large ones. Default 10 MiB. */
  readonly maxUntrackedBytes?: number;
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
  /** Untracked files left out of the patch (over the limits), unread. */
  readonly omitted: readonly OmittedUntrackedFile[];
}

export const DEFAULT_MAX_UNTRACKED_FILE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_UNTRACKED_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_PATCH_BYTES = 256 * 1024 * 1024;

/**
 * CodeInspector over the local `git`: commit, branch, dirty flag and a digest of the
 * whole uncommitted change. Outside a working tree, or without git installed, the code
 * version simply has no git fields.
 */
export class GitCodeInspector implements CodeInspector {
  private readonly git: GitCli;
  private readonly limits: ChangeLimits;
  private readonly maxPatchBytes: number;

  constructor(options: GitCodeInspectorOptions = {}) {
    this.git = new GitCli(options);
    this.limits = {
      maxUntrackedFileBytes: options.maxUntrackedFileBytes ?? DEFAULT_MAX_UNTRACKED_FILE_BYTES,
      maxUntrackedBytes: options.maxUntrackedBytes ?? DEFAULT_MAX_UNTRACKED_BYTES,
    };
    this.maxPatchBytes = options.maxPatchBytes ?? DEFAULT_MAX_PATCH_BYTES;
  }

  async inspect(cwd: string, script?: string, options: CodeInspectionOptions = {}): Promise<CodeVersion> {
    const directory = await existingDirectory(cwd);
    const digest = script === undefined ? undefined : await scriptDigest(directory, script);
    const withScript = digest === undefined ? {} : { scriptDigest: digest };
    const tree = await locateWorkingTree(this.git, directory);
    if (tree === undefined) return withScript;
    const change = new ChangeDigest();
    const { omitted } = await this.stream(tree, directory, options, change.update);
    const dirty = change.patchBytes > 0 || omitted.length > 0;
    return {
      ...(tree.headCommit !== undefined ? { gitCommit: tree.headCommit } : {}),
      ...(tree.branch !== undefined ? { gitBranch: tree.branch } : {}),
      ...(tree.headAuthor !== undefined ? { gitAuthor: tree.headAuthor } : {}),
      dirty,
      ...(dirty ? { diffDigest: change.finish(omitted) } : {}),
      ...(omitted.length > 0 ? { omittedUntracked: omittedUntracked(omitted) } : {}),
      ...withScript,
    };
  }

  /** The uncommitted change of the working tree containing `cwd`; `undefined` outside one or without git. */
  async captureDiff(cwd: string, options: CodeInspectionOptions = {}): Promise<UncommittedChange | undefined> {
    const directory = await existingDirectory(cwd);
    const tree = await locateWorkingTree(this.git, directory);
    if (tree === undefined) return undefined;
    const digest = new ChangeDigest();
    const chunks: Buffer[] = [];
    const { omitted } = await this.stream(tree, directory, options, (chunk) => {
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

  private stream(tree: GitWorkingTree, cwd: string, options: CodeInspectionOptions, onPatch: (chunk: Buffer) => void) {
    const exclude = treeRelativePaths(tree.root, cwd, options.exclude ?? []);
    return streamUncommittedChange(this.git, tree, { limits: this.limits, exclude }, onPatch);
  }
}

/** How many omitted files a code version names (all count in the digest and the totals). */
export const LISTED_OMITTED_FILES = 100;

function omittedUntracked(omitted: readonly OmittedUntrackedFile[]): NonNullable<CodeVersion['omittedUntracked']> {
  return {
    files: omitted.length,
    bytes: omitted.reduce((sum, file) => sum + file.bytes, 0),
    listed: omitted.slice(0, LISTED_OMITTED_FILES).map((file) => ({ ...file })),
  };
}

async function existingDirectory(cwd: string): Promise<string> {
  const directory = resolve(cwd);
  const info = await stat(directory).catch(() => undefined);
  if (!info?.isDirectory()) throw new WorkingDirectoryNotFoundError(directory);
  return directory;
}

/** The `sha256:` digest of the script at `script` (relative to `cwd`, or absolute); ScriptNotFoundError when it cannot be read. */
export async function scriptDigest(cwd: string, script: string): Promise<string> {
  const path = resolve(cwd, script);
  try {
    return await fileDigest(path);
  } catch (error) {
    throw new ScriptNotFoundError(path, (error as NodeJS.ErrnoException).code ?? String(error));
  }
}

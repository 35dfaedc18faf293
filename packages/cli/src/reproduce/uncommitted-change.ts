import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uncommittedChangeDigest, type CodeVersion, type Dotscience, type VersionRef } from '@dotscience/sdk';
import { applyPatch } from './code-checkout.js';
import { PatchApplyError, PatchMissingError } from './reproduce-errors.js';

/** What became of a dirty run's stored uncommitted change in the reproduction. */
export interface RestoredChange {
  /** Digest of the stored patch that was applied. */
  patch: string;
  bytes: number;
  /** The diff digest the run recorded. */
  recordedDiffDigest: string | null;
  /** The diff digest of the reproduced tree, when it was checked. */
  reproducedDiffDigest: string | null;
  /**
   * true: the reproduced tree has exactly the recorded uncommitted change; false: it differs;
   * null: not checkable (untracked files too large for the patch were left out of it).
   */
  verified: boolean | null;
}

async function materializedPatch<T>(ds: Dotscience, patch: VersionRef, digest: string, use: (file: string) => Promise<T>): Promise<T> {
  if (!(await ds.data.has(patch))) throw new PatchMissingError(digest);
  const scratch = await mkdtemp(join(tmpdir(), 'ds-reproduce-patch-'));
  try {
    const file = join(scratch, 'uncommitted-change.patch');
    await ds.data.materialize(patch, file);
    return await use(file);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Put a dirty run's uncommitted change back on the checkout of its commit at `tree`
 * (the top of the cloned working tree): the stored patch, which carries both the
 * tracked edits and the untracked files, goes through `git apply`. Then the tree's
 * diff digest is computed the way the run's was and compared with the recorded one —
 * well defined when the patch's digest equals `diffDigest`, i.e. no untracked file was left out.
 */
export async function restoreUncommittedChange(
  ds: Dotscience,
  code: CodeVersion & { patch: VersionRef },
  tree: string,
): Promise<{ change: RestoredChange; warnings: string[] }> {
  const digest = code.patch.digest ?? (await ds.data.digestOf(code.patch));
  const warnings: string[] = [];
  if (code.patch.bytes > 0) {
    await materializedPatch(ds, code.patch, digest, (file) =>
      applyPatch(tree, file).catch((error: Error & { stderr?: string }) => {
        throw new PatchApplyError(digest, tree, (error.stderr ?? error.message).trim().split('\n')[0] ?? 'no message');
      }),
    );
  }
  const recorded = code.diffDigest ?? null;
  let reproduced: string | null = null;
  let verified: boolean | null = null;
  if (recorded !== null && recorded === digest) {
    reproduced = (await uncommittedChangeDigest(tree)) ?? null;
    verified = reproduced === recorded;
    if (!verified) warnings.push(`the reproduced tree's uncommitted change (${reproduced ?? 'none'}) differs from the run's (${recorded})`);
  } else {
    const omitted =
      code.omittedUntracked === undefined ? '' : ` (${code.omittedUntracked.files}, ${code.omittedUntracked.bytes} bytes: see codeVersion.omittedUntracked)`;
    warnings.push(
      `the run's diff digest (${recorded ?? 'not recorded'}) also covers untracked files left out of the stored patch (${digest}) by the code inspector's size limits${omitted}; they are not restored and the code is not verified`,
    );
  }
  return { change: { patch: digest, bytes: code.patch.bytes, recordedDiffDigest: recorded, reproducedDiffDigest: reproduced, verified }, warnings };
}

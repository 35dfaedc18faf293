import { unlimitedCodeInspector } from '../composition-root.js';

/**
 * The diff digest of the working tree holding `directory`, computed exactly as
 * recorded in `CodeVersion.diffDigest` (same pinned diff); `undefined` when the tree
 * is clean or not under git. Read-only: nothing is stored. `ds reproduce` uses it to
 * check that a restored tree is the one that ran; it does so only when the run's
 * patch left nothing out, so every untracked file of the restored tree was within
 * the run's limits, whatever they were: here no limit applies.
 */
export async function uncommittedChangeDigest(directory: string): Promise<string | undefined> {
  return (await (await unlimitedCodeInspector()).inspect(directory)).diffDigest;
}

import { GitCodeInspector } from '@dotscience/adapters-fs';

/**
 * The diff digest of the working tree holding `directory`, computed exactly as
 * recorded in `CodeVersion.diffDigest` (same pinned diff, same untracked-file
 * rules); `undefined` when the tree is clean or not under git. Read-only: nothing
 * is stored. `ds reproduce` uses it to check that a restored tree is the one that ran.
 */
export async function uncommittedChangeDigest(directory: string): Promise<string | undefined> {
  return (await new GitCodeInspector().inspect(directory)).diffDigest;
}

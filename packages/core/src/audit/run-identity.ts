import type { CodeVersion, EnvironmentInfo } from '../events/catalogue.js';
import type { SignedReceipt } from './signed-receipt.js';

/** Who recorded a run, as its workstation said (docs/decisions.md D123): the user and host, and the author of the code's commit. */
export interface RunRecordedBy {
  /** `user@host` of the process that recorded it. */
  user: string;
  /** The git author of the commit the code version names (`Name <email>`), when recorded. */
  gitAuthor: string | null;
}

/** Which hub token accepted a run's first events, as the hub signed it (its receipt of that append). */
export interface RunPushedBy {
  tokenId: string;
  /** The token's label, when it has one. */
  name: string | null;
  /** When the hub signed the receipt. */
  at: string;
}

export function recordedByOf(run: { environment: Pick<EnvironmentInfo, 'user' | 'host'>; codeVersion: Pick<CodeVersion, 'gitAuthor'> }): RunRecordedBy {
  return { user: `${run.environment.user}@${run.environment.host}`, gitAuthor: run.codeVersion.gitAuthor ?? null };
}

/**
 * The token that pushed a run: the receipt of the accepted append that began its stream (revision
 * 0), else the earliest append to it; null when no receipt of the stream is held.
 */
export function pushedByOf(receipts: readonly Pick<SignedReceipt, 'append' | 'signedAt'>[]): RunPushedBy | null {
  const appends = receipts.filter((r) => r.append !== undefined);
  const first = appends.find((r) => r.append!.fromRevision === 0) ?? [...appends].sort((a, b) => a.append!.fromRevision - b.append!.fromRevision)[0];
  if (!first) return null;
  const { token } = first.append!;
  return { tokenId: token.id, name: token.label ?? null, at: first.signedAt };
}

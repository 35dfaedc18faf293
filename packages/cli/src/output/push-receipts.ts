import type { LedgerLine } from '@dotscience/sdk';

/** Who pushed a run, as the hub signed it: one entry per accepted append to its stream. */
export interface RunPush {
  hub: string;
  token: { id: string; label?: string };
  fromRevision: number;
  toRevision: number;
  signedAt: string;
}

export function runPushes(lines: readonly LedgerLine[]): RunPush[] {
  return lines.flatMap(({ hub, receipt }) =>
    receipt.append
      ? [
          {
            hub: hub ?? '(unknown hub)',
            token: receipt.append.token,
            fromRevision: receipt.append.fromRevision,
            toRevision: receipt.append.toRevision,
            signedAt: receipt.signedAt,
          },
        ]
      : [],
  );
}

/** `pushed  by token <label> (<id>) to <hub>, revisions a–b, <time>`, one line per push. */
export function pushLines(pushes: readonly RunPush[]): string[] {
  return pushes.map((p) => {
    const who = p.token.label === undefined ? `token ${p.token.id}` : `token ${p.token.label} (${p.token.id})`;
    return `pushed  by ${who} to ${p.hub}, revisions ${p.fromRevision}–${p.toRevision}, ${p.signedAt}`;
  });
}

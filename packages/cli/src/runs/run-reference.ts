import { DotscienceError } from '@dotscience/sdk';

export class UnknownRunError extends DotscienceError {
  readonly code = 'UNKNOWN_RUN';
  constructor(readonly ref: string) {
    super(`no run has the id or id prefix "${ref}" — list the runs with ds runs`);
  }
}

export class AmbiguousRunError extends DotscienceError {
  readonly code = 'AMBIGUOUS_RUN';
  constructor(
    readonly ref: string,
    readonly candidates: readonly string[],
    /** How many runs have the prefix (more than `candidates` when only the first are listed). */
    count = candidates.length,
  ) {
    const shown = candidates.slice(0, 10).join(', ');
    super(`"${ref}" is the prefix of ${count} runs (${shown}${count > 10 ? ', …' : ''}) — give more of the id`);
  }
}

/** The run id a user means: the full id, or a prefix that exactly one run id starts with. */
export function resolveRunId(runIds: Iterable<string>, ref: string): string {
  const wanted = ref.trim().toLowerCase();
  const matches: string[] = [];
  for (const id of runIds) {
    if (id === wanted) return id;
    if (wanted.length > 0 && id.startsWith(wanted)) matches.push(id);
  }
  if (matches.length === 0) throw new UnknownRunError(ref);
  if (matches.length > 1) throw new AmbiguousRunError(ref, matches.sort());
  return matches[0]!;
}

/**
 * How many leading characters tell every run apart (at least `minimum`), like
 * git's abbreviated commits. UUID v7 ids of runs started close together share
 * their time prefix, so a fixed length would not do.
 */
export function distinctPrefixLength(runIds: Iterable<string>, minimum = 8): number {
  const sorted = [...runIds].sort();
  let length = minimum;
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    let common = 0;
    while (common < a.length && a[common] === b[common]) common++;
    length = Math.max(length, common + 1);
  }
  return length;
}

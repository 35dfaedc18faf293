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

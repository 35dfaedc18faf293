import { DotscienceError } from '@dotscience/sdk';

export class ReproduceTargetNotEmptyError extends DotscienceError {
  readonly code = 'REPRODUCE_TARGET_NOT_EMPTY';
  constructor(readonly target: string) {
    super(`${target} exists and is not empty — ds reproduce writes into a new or empty directory; pick another one`);
  }
}

export class CommitNotFoundError extends DotscienceError {
  readonly code = 'COMMIT_NOT_FOUND';
  constructor(
    readonly commit: string,
    readonly searched: readonly string[],
  ) {
    super(
      `the run's code is git commit ${commit}, which no repository at hand has (looked in ${searched.length > 0 ? searched.join(', ') : 'no git repository'}) — run ds reproduce inside a clone that has the commit (git fetch it first)`,
    );
  }
}

export class MissingDataVersionError extends DotscienceError {
  readonly code = 'DATA_VERSION_MISSING';
  constructor(
    readonly path: string,
    readonly digest: string,
  ) {
    super(`input ${path} (${digest}) is not in this data store — it was removed by gc or recorded elsewhere; point --data at the store that holds it`);
  }
}

export class PatchMissingError extends DotscienceError {
  readonly code = 'PATCH_MISSING';
  constructor(readonly digest: string) {
    super(
      `the run's uncommitted change (patch ${digest}) is not in this data store — it was removed by gc or recorded elsewhere; point --data at the store that holds it`,
    );
  }
}

export class PatchApplyError extends DotscienceError {
  readonly code = 'PATCH_APPLY_FAILED';
  constructor(
    readonly digest: string,
    readonly target: string,
    readonly reason: string,
  ) {
    super(
      `git apply of the run's uncommitted change (patch ${digest}) on the checkout in ${target} failed: ${reason} — the stored patch does not fit the recorded commit; check the repository's commit and apply it by hand from ds's data store`,
    );
  }
}

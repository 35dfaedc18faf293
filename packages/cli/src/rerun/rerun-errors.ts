import { DotscienceError } from '@dotscience/sdk';

export class NothingToRerunError extends DotscienceError {
  readonly code = 'NOTHING_TO_RERUN';
  constructor(readonly runId: string) {
    super(`run ${runId} recorded no command or script to re-run — ds rerun re-executes runs recorded by ds run or the SDK from a script`);
  }
}

import { DotscienceError } from '@dotscience/core';

/** `git` ran but failed in a way that is not "no repository here" (timeout, refused repository, crash). */
export class GitCommandError extends DotscienceError {
  readonly code = 'GIT_COMMAND_FAILED';
  constructor(
    readonly cwd: string,
    readonly args: readonly string[],
    readonly reason: string,
  ) {
    super(
      `git ${args.join(' ')} in ${cwd} failed: ${reason} — check that \`git status\` works in that directory ` +
        '(e.g. mark it safe with `git config --global --add safe.directory <dir>`)',
    );
  }
}

/** The uncommitted change is larger than the inspector will hold in memory. */
export class UncommittedChangeTooLargeError extends DotscienceError {
  readonly code = 'UNCOMMITTED_CHANGE_TOO_LARGE';
  constructor(
    readonly repository: string,
    readonly limitBytes: number,
  ) {
    super(
      `the uncommitted change of the git repository ${repository} is larger than ${limitBytes} bytes — ` +
        'commit it, add large data files to .gitignore (declare them with ds.input instead), or raise maxPatchBytes',
    );
  }
}

/** The script whose digest was asked for cannot be read. */
export class ScriptNotFoundError extends DotscienceError {
  readonly code = 'SCRIPT_NOT_FOUND';
  constructor(
    readonly script: string,
    readonly reason: string,
  ) {
    super(`script ${script} cannot be read (${reason}) — pass the path of the script being run, relative to the working directory or absolute`);
  }
}

/** The working directory to inspect does not exist or is not a directory. */
export class WorkingDirectoryNotFoundError extends DotscienceError {
  readonly code = 'WORKING_DIRECTORY_NOT_FOUND';
  constructor(readonly cwd: string) {
    super(`working directory ${cwd} does not exist or is not a directory — run from, or pass, an existing directory`);
  }
}

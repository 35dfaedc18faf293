import { GitCommandError } from './workstation-errors.js';
import { runGit, type GitInvocation, type GitProcessOptions } from './git-process.js';

export interface GitResult {
  readonly exitCode: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/**
 * git as the inspector uses it: a missing binary is `undefined` (the caller records
 * no git fields), a timeout or spawn failure is a GitCommandError, and the exit code
 * is left to the caller to judge.
 */
export class GitCli {
  constructor(private readonly options: GitProcessOptions = {}) {}

  /** Run git; `undefined` when git is not installed. */
  async run(invocation: GitInvocation): Promise<GitResult | undefined> {
    const outcome = await runGit(invocation, this.options);
    if (outcome.kind === 'not-installed') return undefined;
    if (outcome.kind === 'timed-out') {
      const setting = this.options.timeoutSetting ?? 'the timeoutMs option of the code inspector';
      throw new GitCommandError(invocation.cwd, invocation.args, `no answer within ${outcome.timeoutMs} ms — for a very large repository raise ${setting}`);
    }
    return outcome;
  }

  /** Run git and require exit code 0; `undefined` when git is not installed. */
  async succeed(invocation: GitInvocation): Promise<Buffer | undefined> {
    const result = await this.run(invocation);
    if (result === undefined) return undefined;
    if (result.exitCode !== 0) {
      throw new GitCommandError(invocation.cwd, invocation.args, `exit code ${result.exitCode}: ${result.stderr.trim() || 'no message'}`);
    }
    return result.stdout;
  }
}

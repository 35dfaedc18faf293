/**
 * Timing whole commands from process spawn to exit, the way a user meets them, so our
 * CLI and the peers (git-annex, DataLad, coreutils) are measured the same way.
 */
import { spawnSync } from 'node:child_process';

export interface CommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Fixed identity for commits made by the peers (git-annex, DataLad) so no global git config is needed. */
export const benchGitEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@localhost',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@localhost',
};

/** Run `command` to completion; a non-zero exit is an error carrying its stderr. */
export function runCommand(command: string, args: readonly string[], options: CommandOptions = {}): string {
  const result = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? benchGitEnv, encoding: 'utf8', maxBuffer: 256 << 20 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr.slice(-2000)}`);
  return result.stdout;
}

/** Milliseconds from spawning `command` to its exit (output discarded); a non-zero exit is an error. */
export function timeCommand(command: string, args: readonly string[], options: CommandOptions = {}): number {
  const start = performance.now();
  const result = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? benchGitEnv, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = performance.now() - start;
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr.slice(-2000)}`);
  return ms;
}

/** Why `command` cannot be used here, or null when `command args` runs. */
export function unavailable(command: string, args: readonly string[]): string | null {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  if (result.error) return `${command} is not installed (${(result.error as NodeJS.ErrnoException).code ?? result.error.message})`;
  return result.status === 0 ? null : `${command} ${args.join(' ')} exited ${result.status}`;
}

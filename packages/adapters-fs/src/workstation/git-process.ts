import { spawn } from 'node:child_process';

/** How `git` is run: which binary and how long one command may take. */
export interface GitProcessOptions {
  /** The git executable, looked up on PATH. Default `git`. */
  readonly gitBinary?: string;
  /** Time one git command may take before it is killed. Default 60 s. */
  readonly timeoutMs?: number;
  /** How a user raises `timeoutMs` (named in the error when git does not answer in time). Default: the `timeoutMs` option. */
  readonly timeoutSetting?: string;
}

export interface GitInvocation {
  readonly cwd: string;
  readonly args: readonly string[];
  /** Extra environment on top of the sanitised process environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly stdin?: Buffer;
  /** Receives stdout chunks as they arrive; when given, stdout is not kept. */
  readonly onStdout?: (chunk: Buffer) => void;
}

export type GitOutcome =
  | { readonly kind: 'exited'; readonly exitCode: number; readonly stdout: Buffer; readonly stderr: string }
  | { readonly kind: 'not-installed' }
  | { readonly kind: 'timed-out'; readonly timeoutMs: number };

export const DEFAULT_GIT_TIMEOUT_MS = 60_000;
const STDERR_KEEP_BYTES = 4096;

/**
 * Variables that would point git at another repository or index than the one
 * found from `cwd` (set, for example, when a script runs inside a git hook).
 */
const REPOSITORY_OVERRIDES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
];

function gitEnvironment(extra: Readonly<Record<string, string>> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of REPOSITORY_OVERRIDES) delete env[name];
  // English messages, no pager or prompt, and no lock taken on the user's index by read commands.
  return { ...env, LC_ALL: 'C', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', ...extra };
}

/** Run git with an argument array (never through a shell), bounded by a timeout. */
export function runGit(invocation: GitInvocation, options: GitProcessOptions = {}): Promise<GitOutcome> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
  return new Promise((resolve) => {
    const child = spawn(options.gitBinary ?? 'git', [...invocation.args], {
      cwd: invocation.cwd,
      env: gitEnvironment(invocation.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    let settled = false;
    const settle = (outcome: GitOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle({ kind: 'timed-out', timeoutMs });
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (invocation.onStdout) invocation.onStdout(chunk);
      else stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < STDERR_KEEP_BYTES) stderr += chunk.toString('utf8');
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') settle({ kind: 'not-installed' });
      else settle({ kind: 'exited', exitCode: -1, stdout: Buffer.alloc(0), stderr: error.message });
    });
    child.on('close', (code, signal) => {
      settle({ kind: 'exited', exitCode: code ?? (signal ? 128 : -1), stdout: Buffer.concat(stdout), stderr: stderr.slice(0, STDERR_KEEP_BYTES) });
    });
    child.stdin.on('error', () => undefined); // git may exit before reading its input; the exit code tells
    child.stdin.end(invocation.stdin ?? Buffer.alloc(0));
  });
}

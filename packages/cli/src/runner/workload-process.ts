import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';

/** Signals the runner passes on to the program instead of dying of them itself. */
export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const satisfies readonly NodeJS.Signals[];

export interface WorkloadProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Each stdout chunk; may return a promise to apply backpressure (the child's stdout pauses until it settles). */
  onStdout(chunk: Buffer): void | Promise<void>;
  onStderr(chunk: Buffer): void | Promise<void>;
}

export interface WorkloadExit {
  /** The program's exit code; for a program killed by a signal 128 + its number, for one that could not start 127 (as shells do). */
  exitCode: number;
  signal: NodeJS.Signals | null;
  /** Why the program could not be started (e.g. the command does not exist). */
  spawnError?: string;
}

function pump(stream: Readable, handle: (chunk: Buffer) => void | Promise<void>): Promise<void> {
  return new Promise((resolveDone, rejectDone) => {
    let handling: Promise<void> = Promise.resolve();
    stream.on('data', (chunk: Buffer) => {
      const pending = handle(chunk);
      if (pending) {
        stream.pause();
        handling = pending.then(() => void stream.resume());
        handling.catch((error: unknown) => stream.destroy(error as Error));
      }
    });
    stream.once('close', () => handling.then(() => resolveDone(), rejectDone));
    stream.once('error', rejectDone);
  });
}

/**
 * Run the workload's program with stdin inherited and stdout/stderr piped to
 * the handlers; SIGINT, SIGTERM and SIGHUP received meanwhile are forwarded to
 * it. Resolves once it has exited and both its streams are drained.
 */
export async function runWorkloadProcess(command: readonly string[], options: WorkloadProcessOptions): Promise<WorkloadExit> {
  const [program, ...args] = command;
  if (program === undefined) throw new Error('no command to run');
  const child = spawn(program, args, { cwd: options.cwd, env: options.env, stdio: ['inherit', 'pipe', 'pipe'] });
  const forward = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  try {
    const exited = new Promise<WorkloadExit>((resolveExit) => {
      child.once('error', (error: NodeJS.ErrnoException) => resolveExit({ exitCode: 127, signal: null, spawnError: error.message }));
      child.once('exit', (code, signal) =>
        resolveExit({ exitCode: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0), signal }),
      );
    });
    const [exit] = await Promise.all([exited, pump(child.stdout, options.onStdout), pump(child.stderr, options.onStderr)]);
    return exit;
  } finally {
    for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
  }
}

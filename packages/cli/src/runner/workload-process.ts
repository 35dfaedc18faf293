import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
 * it, except SIGINT in a terminal's foreground (the terminal sends Ctrl-C to the
 * program as well). Resolves once it has exited and both its streams are drained.
 */
export async function runWorkloadProcess(command: readonly string[], options: WorkloadProcessOptions): Promise<WorkloadExit> {
  const [program, ...args] = command;
  if (program === undefined) throw new Error('no command to run');
  const child = spawn(program, args, { cwd: options.cwd, env: options.env, stdio: ['inherit', 'pipe', 'pipe'] });
  // The program is in our process group: in a terminal's foreground, Ctrl-C reaches it from
  // the terminal itself, and forwarding that SIGINT too would interrupt its handling of the first.
  const terminalDeliversInterrupts = inTerminalForeground();
  const forward = (signal: NodeJS.Signals) => {
    if (signal === 'SIGINT' && terminalDeliversInterrupts) return;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  try {
    const exited = new Promise<WorkloadExit>((resolveExit) => {
      child.once('error', (error: NodeJS.ErrnoException) => resolveExit({ exitCode: 127, signal: null, spawnError: error.message }));
      child.once('exit', (code, signal) => resolveExit({ exitCode: code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0), signal }));
    });
    const [exit] = await Promise.all([exited, pump(child.stdout, options.onStdout), pump(child.stderr, options.onStderr)]);
    return exit;
  } finally {
    for (const signal of FORWARDED_SIGNALS) process.off(signal, forward);
  }
}

/**
 * Whether this process is in the foreground process group of its controlling terminal, where
 * the terminal sends Ctrl-C's SIGINT to every process of the group. Read from /proc/self/stat
 * (pgrp and tpgid, the 5th and 8th fields); false where that cannot be read (not Linux), so
 * there SIGINT is forwarded as before.
 */
export function inTerminalForeground(): boolean {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after "pid (comm) ": state, ppid, pgrp, session, tty_nr, tpgid
    const pgrp = Number(fields[2]);
    const tpgid = Number(fields[5]);
    return tpgid > 0 && tpgid === pgrp;
  } catch {
    return false;
  }
}

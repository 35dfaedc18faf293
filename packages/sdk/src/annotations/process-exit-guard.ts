import { inspect } from 'node:util';
import type { JsonValue } from '@dotscience/core';

/** A client with a run open (or writes pending) that must not end silently half-recorded. */
export interface ExitGuarded {
  /** Record the open run as errored with `message`, write everything pending and release the stores. */
  abandon(message: string, detail?: JsonValue): Promise<void>;
  /**
   * The process is exiting with `exitCode` (in 'exit': only synchronous code runs). Note the exit
   * on the open run's note, and return a line saying what is left unrecorded, if anything.
   */
  exited(exitCode: number): string | undefined;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type Signal = (typeof SIGNALS)[number];

/** Longest time the guard spends recording before letting the process end anyway. */
const ABANDON_TIMEOUT_MS = 10_000;

function errorDetail(error: unknown, origin: string): JsonValue {
  if (error instanceof Error) return { origin, name: error.name, stack: error.stack ?? `${error.name}: ${error.message}` };
  return { origin, value: inspect(error) };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : inspect(error);
}

/**
 * What happens to open runs when the process ends without publishing them.
 * Listeners are installed only while some client has a run open, so outside
 * runs Node behaves exactly as without dotscience.
 *
 * - uncaughtException / unhandledRejection: the run gets RunErrored (message
 *   and stack), pending writes are flushed, then — unless the program has its
 *   own listener, which then decides — the error is printed and the process
 *   exits with code 1, as Node would have.
 * - beforeExit (the event loop ran dry with a run still open): RunErrored
 *   "exited without publish"; the exit code is left alone.
 * - SIGINT / SIGTERM with no listener of the program's own: RunErrored
 *   "interrupted by SIGINT", then the signal is raised again so the process
 *   dies of it as it would have. A second signal while recording ends it at once.
 * - process.exit(): only synchronous code runs in 'exit', and the stores write
 *   asynchronously, so the run cannot be marked here: the exit code is added to
 *   the run's open-run note (written synchronously by start()), a line on stderr
 *   names the run, and the next writer to open the store records it as errored
 *   (with its start, if that was not written yet).
 */
class ProcessExitGuard {
  private readonly guarded = new Set<ExitGuarded>();
  private installed = false;
  private abandoning: Promise<void> | undefined;

  watch(client: ExitGuarded): void {
    this.guarded.add(client);
    if (!this.installed) this.install();
  }

  unwatch(client: ExitGuarded): void {
    this.guarded.delete(client);
    if (this.guarded.size === 0 && this.abandoning === undefined) this.uninstall();
  }

  private install(): void {
    this.installed = true;
    process.on('uncaughtException', this.onUncaughtException);
    process.on('unhandledRejection', this.onUnhandledRejection);
    process.on('beforeExit', this.onBeforeExit);
    process.on('exit', this.onExit);
    for (const signal of SIGNALS) process.on(signal, this.onSignal);
  }

  private uninstall(): void {
    this.installed = false;
    process.off('uncaughtException', this.onUncaughtException);
    process.off('unhandledRejection', this.onUnhandledRejection);
    process.off('beforeExit', this.onBeforeExit);
    process.off('exit', this.onExit);
    for (const signal of SIGNALS) process.off(signal, this.onSignal);
  }

  /** Abandon every guarded client's run, at most once at a time and within ABANDON_TIMEOUT_MS. */
  private abandonAll(message: string, detail?: JsonValue): Promise<void> {
    if (this.abandoning) return this.abandoning;
    const clients = [...this.guarded];
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        process.stderr.write(`dotscience: recording the end of the run took longer than ${ABANDON_TIMEOUT_MS / 1000} s; giving up\n`);
        resolve();
      }, ABANDON_TIMEOUT_MS);
    });
    const work = Promise.allSettled(clients.map((c) => c.abandon(message, detail))).then(() => undefined);
    this.abandoning = Promise.race([work, timeout]).finally(() => {
      clearTimeout(timer);
      this.abandoning = undefined;
      if (this.guarded.size === 0) this.uninstall();
    });
    return this.abandoning;
  }

  /** The program has a listener of its own for `event` besides ours: it decides what happens next. */
  private programListens(event: string): boolean {
    return process.listenerCount(event) > 1;
  }

  private readonly onUncaughtException = (error: unknown, origin: string): void => {
    this.fail(error, origin === 'unhandledRejection' ? 'unhandledRejection' : 'uncaughtException', 'uncaught exception');
  };

  private readonly onUnhandledRejection = (reason: unknown): void => {
    this.fail(reason, 'unhandledRejection', 'unhandled promise rejection');
  };

  private fail(error: unknown, event: 'uncaughtException' | 'unhandledRejection', what: string): void {
    const programDecides = this.programListens(event);
    void this.abandonAll(`${what}: ${errorMessage(error)}`, errorDetail(error, event)).then(() => {
      if (programDecides) return;
      process.stderr.write(`${error instanceof Error ? (error.stack ?? String(error)) : `Uncaught ${inspect(error)}`}\n`);
      process.exit(1);
    });
  }

  private readonly onBeforeExit = (): void => {
    void this.abandonAll('exited without publish: the process ended with this run open — call publish() to finish a run');
  };

  private readonly onSignal = (signal: Signal): void => {
    if (this.programListens(signal)) return;
    const raise = (): void => {
      this.uninstall();
      process.kill(process.pid, signal);
    };
    if (this.abandoning) return raise(); // a second signal while recording: stop now
    void this.abandonAll(`interrupted by ${signal}`, { signal }).then(raise);
  };

  private readonly onExit = (code: number): void => {
    for (const client of this.guarded) {
      const notice = client.exited(code);
      if (notice) process.stderr.write(`${notice}\n`);
    }
  };
}

/** One guard per process: the handlers act for every client. */
export const processExitGuard = new ProcessExitGuard();

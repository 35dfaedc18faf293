import { watch, type FSWatcher } from 'node:fs';

/**
 * Tells listeners that the log may have grown: on every commit in this process
 * (`notify`) and — for stores that read another process's appends — whenever
 * fs.watch reports a change in the log directory, with a slow poll as a
 * fallback for file systems where watching is unreliable (network mounts).
 */
export class LogWatch {
  private readonly listeners = new Set<() => void>();
  private watcher: FSWatcher | undefined;
  private poll: NodeJS.Timeout | undefined;

  constructor(
    private readonly dir: string,
    /** Watch the directory for other processes' appends. */
    private readonly external: boolean,
    private readonly pollIntervalMs: number,
  ) {}

  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    if (this.external && this.listeners.size === 1) this.start();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = undefined;
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
  }

  private start(): void {
    try {
      this.watcher = watch(this.dir, { persistent: false }, () => this.notify());
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      this.watcher = undefined; // the poll still works
    }
    // Referenced on purpose: a live subscription to another process's appends keeps this process running until unsubscribed or closed.
    this.poll = setInterval(() => this.notify(), this.pollIntervalMs);
  }
}

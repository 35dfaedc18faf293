import { watch, type FSWatcher } from 'node:fs';
import { join, resolve, sep } from 'node:path';

/** A notebook path the watcher reacts to: `*.ipynb`, not Jupyter's checkpoints, nothing in a hidden folder. */
export function isWatchedNotebook(relativePath: string): boolean {
  if (!relativePath.endsWith('.ipynb')) return false;
  return !relativePath.split(sep).some((part) => part === '.ipynb_checkpoints' || part === 'node_modules' || (part.startsWith('.') && part.length > 1));
}

export interface NotebookWatcherOptions {
  /** Quiet time after a notebook's last change before it is ingested (Jupyter writes a save in several steps). */
  debounceMs: number;
  /** Ingest the notebooks saved (each settled for debounceMs); called one batch at a time, never overlapping. */
  ingest: (notebooks: string[]) => Promise<void>;
  /** A batch whose ingest failed (the watcher goes on). */
  onError: (error: Error) => void;
}

/**
 * Watches a directory tree for notebook saves and hands each saved notebook
 * to `ingest` once it has been quiet for `debounceMs`. Notebooks saved together
 * are ingested in one batch; a save during an ingest waits for the next batch,
 * so ingests never overlap (one writer) and none is lost.
 */
export class NotebookWatcher {
  private readonly watcher: FSWatcher;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly settled = new Set<string>();
  private running: Promise<void> = Promise.resolve();
  private busy = false;

  constructor(
    readonly directory: string,
    private readonly options: NotebookWatcherOptions,
  ) {
    this.directory = resolve(directory);
    this.watcher = watch(this.directory, { recursive: true }, (_event, name) => {
      if (name !== null && isWatchedNotebook(name.toString())) this.changed(join(this.directory, name.toString()));
    });
  }

  private changed(path: string): void {
    clearTimeout(this.timers.get(path));
    this.timers.set(
      path,
      setTimeout(() => {
        this.timers.delete(path);
        this.settled.add(path);
        this.flush();
      }, this.options.debounceMs),
    );
  }

  private flush(): void {
    if (this.busy || this.settled.size === 0) return;
    const batch = [...this.settled].sort();
    this.settled.clear();
    this.busy = true;
    this.running = this.options
      .ingest(batch)
      .catch((error: Error) => this.options.onError(error))
      .finally(() => {
        this.busy = false;
        this.flush();
      });
  }

  /** Stop watching; notebooks saved and settled are ingested first, ones still settling are dropped. */
  async close(): Promise<void> {
    this.watcher.close();
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    while (this.busy || this.settled.size > 0) {
      this.flush();
      await this.running;
    }
  }
}

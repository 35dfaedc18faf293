import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * When a server has no request open and has received none for a while: the time
 * for background work that holds the event loop in long stretches (a writer's open
 * checks the whole log, D166) without holding up a user's request. A response
 * kept open (a subscription) counts as a request open until it closes.
 */
export class QuietPeriod {
  private open = 0;
  private last = performance.now();
  private readonly stopped = new AbortController();

  constructor(server: Server) {
    server.on('request', (_request, response) => {
      this.open++;
      this.last = performance.now();
      response.once('close', () => {
        this.open--;
        this.last = performance.now();
      });
    });
  }

  /** Resolves once the server has been quiet for `ms` (true), or was stopped first (false). */
  async reached(ms: number): Promise<boolean> {
    const { signal } = this.stopped;
    while (!signal.aborted) {
      const quietFor = performance.now() - this.last;
      if (this.open === 0 && quietFor >= ms) return true;
      // Woken by stop() at once: a hub that closes does not wait out the period.
      await sleep(this.open === 0 ? ms - quietFor : ms, undefined, { ref: false, signal }).catch(() => undefined);
    }
    return false;
  }

  stop(): void {
    this.stopped.abort();
  }
}

import { Observable } from 'rxjs';
import type { RecordedEvent } from '@dotscience/core';
import type { LogWatch } from './log-watch.js';

export interface LogSubscriptionSource {
  fromPosition: number;
  watch: LogWatch;
  isClosed: () => boolean;
  /** Take in what other processes wrote, if that applies; returns the end (exclusive) of the committed log. */
  catchUp: () => Promise<number>;
  read: (from: number, end: number) => AsyncIterable<RecordedEvent>;
}

/**
 * History from `fromPosition`, then live events, through one cursor: the same
 * loop reads from disk whatever lies between the cursor and the end of the log,
 * then sleeps until the log may have grown. Catch-up and live are not two feeds
 * stitched together, so there is no seam to lose or repeat an event in.
 */
export function subscribeToLog(source: LogSubscriptionSource): Observable<RecordedEvent> {
  return new Observable<RecordedEvent>((subscriber) => {
    let next = source.fromPosition;
    let stopped = false;
    let changed = true;
    let wake: (() => void) | undefined;
    const unlisten = source.watch.listen(() => {
      changed = true;
      wake?.();
    });
    void (async () => {
      try {
        while (!stopped) {
          changed = false;
          if (source.isClosed()) {
            subscriber.complete();
            return;
          }
          const end = await source.catchUp();
          if (next < end) {
            for await (const event of source.read(next, end)) {
              if (stopped) return;
              subscriber.next(event);
              next = event.position + 1;
            }
            continue;
          }
          if (!changed) await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
        }
      } catch (err) {
        if (!stopped) subscriber.error(err);
      }
    })();
    return () => {
      stopped = true;
      unlisten();
      wake?.();
    };
  });
}

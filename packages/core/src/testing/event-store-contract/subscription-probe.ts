import type { Observable, Subscription } from 'rxjs';
import type { RecordedEvent } from '../../events/envelope.js';

interface Waiter {
  count: number;
  resolve: (events: RecordedEvent[]) => void;
  reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Records what a subscription delivers and lets a test wait until it has
 * received a number of events. The wait gives up after `timeoutMs` with a
 * message saying how many arrived (a liveness guard, not a speed target).
 */
export class SubscriptionProbe {
  readonly received: RecordedEvent[] = [];
  private readonly waiters: Waiter[] = [];
  private failure: { error: unknown } | undefined;
  private readonly subscription: Subscription;
  private markEnded: (how: 'complete' | 'error') => void = () => undefined;
  private readonly end = new Promise<'complete' | 'error'>((resolve) => (this.markEnded = resolve));

  constructor(
    source: Observable<RecordedEvent>,
    private readonly onEvent: (event: RecordedEvent, index: number) => void = () => undefined,
    private readonly timeoutMs = 10_000,
  ) {
    this.subscription = source.subscribe({
      next: (event) => {
        this.received.push(event);
        this.onEvent(event, this.received.length - 1);
        this.settle();
      },
      error: (error: unknown) => {
        this.failure = { error };
        this.settle();
        this.markEnded('error');
      },
      complete: () => this.markEnded('complete'),
    });
  }

  /** Resolves with everything received once at least `count` events have arrived. */
  waitFor(count: number): Promise<RecordedEvent[]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`the subscription delivered ${this.received.length} of ${count} events within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      const waiter: Waiter = { count, resolve, reject, timer };
      this.waiters.push(waiter);
      this.settle();
    });
  }

  /** Resolves with how the subscription ended: 'complete' or 'error'. */
  ended(): Promise<'complete' | 'error'> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the subscription did not end within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    return Promise.race([this.end, timeout]).finally(() => clearTimeout(timer));
  }

  get closed(): boolean {
    return this.subscription.closed;
  }

  unsubscribe(): void {
    this.subscription.unsubscribe();
  }

  private settle(): void {
    for (const waiter of [...this.waiters]) {
      if (this.failure) waiter.reject(this.failure.error);
      else if (this.received.length >= waiter.count) waiter.resolve([...this.received]);
      else continue;
      clearTimeout(waiter.timer);
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
    }
  }
}

/**
 * The writes of one run (or one session) happen one at a time, in call order,
 * even when the caller does not await each one: a write decides against the
 * state the previous write left, never against a state a concurrent write is
 * about to replace.
 */
export class WriteQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(write: () => Promise<T>): Promise<T> {
    const result = this.tail.then(write, write);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * Appends take turns. An append looks at the stream heads, the recorded ids and the log's
 * next position, and enqueues its records chained onto what it saw: nothing else may
 * enqueue in between. An append that runs from its look to its enqueue without awaiting
 * holds the turn without telling anyone (nothing else runs meanwhile); one that must wait
 * for something (records read from disk, the sealing worker) holds it openly over the wait,
 * and every later append, index rebuild or close waits for it first.
 */
export class AppendTurns {
  private holder: Promise<void> | undefined;

  /**
   * Undefined when no one holds the turn over a wait: whoever runs now has it. Else a promise
   * of its end, after which another waiter may have taken it first: wait in a loop,
   * `while (turns.held) await turns.held`, and take it in the same run as the last look.
   */
  get held(): Promise<void> | undefined {
    return this.holder;
  }

  /** The turn of whoever runs now, held openly from its first wait (`over`) to `end`. */
  begin(): AppendTurn {
    return new AppendTurn(this);
  }

  /** @internal Hold the turn openly until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    this.holder = held;
    return () => {
      if (this.holder === held) this.holder = undefined;
      release();
    };
  }
}

/** One append's turn (see AppendTurns). */
export class AppendTurn {
  private release: (() => void) | undefined;

  constructor(private readonly turns: AppendTurns) {}

  /** Wait for `work` holding the turn, so that nothing else appends meanwhile. */
  over<T>(work: Promise<T>): Promise<T> {
    this.release ??= this.turns.hold();
    return work;
  }

  /** Give the turn up (once the append has enqueued, or given up). */
  end(): void {
    this.release?.();
    this.release = undefined;
  }
}

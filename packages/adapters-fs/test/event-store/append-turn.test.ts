import { describe, expect, it } from 'vitest';
import { AppendTurns } from '../../src/event-store/append-turn.js';

/** An append as the store runs one: wait for the turn, hold it over `wait` (if any), note its name, end. */
async function append(turns: AppendTurns, name: string, order: string[], wait?: Promise<void>): Promise<void> {
  while (turns.held) await turns.held;
  const turn = turns.begin();
  try {
    if (wait) await turn.over(wait);
    order.push(name);
  } finally {
    turn.end();
  }
}

describe('AppendTurns', () => {
  it('given no append waiting, when one runs without a wait, then the turn is never held openly', async () => {
    const turns = new AppendTurns();
    const order: string[] = [];
    const done = append(turns, 'a', order);
    expect(turns.held).toBeUndefined();
    await done;
    expect(order).toEqual(['a']);
  });

  it('given an append holding the turn over a wait, when others arrive meanwhile (one of them waiting too), then each runs after the one before has ended, in the order they came', async () => {
    const turns = new AppendTurns();
    const order: string[] = [];
    let finishRead!: () => void;
    const read = new Promise<void>((resolve) => (finishRead = resolve));
    let finishSeal!: () => void;
    const seal = new Promise<void>((resolve) => (finishSeal = resolve));
    const first = append(turns, 'reads', order, read);
    expect(turns.held).toBeDefined();
    const rest = [append(turns, 'next', order), append(turns, 'seals', order, seal), append(turns, 'last', order)];
    await Promise.resolve();
    expect(order).toEqual([]);
    finishRead();
    await first;
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['reads', 'next']); // 'seals' holds the turn now: 'last' waits for it
    expect(turns.held).toBeDefined();
    finishSeal();
    await Promise.all(rest);
    expect(order).toEqual(['reads', 'next', 'seals', 'last']);
    expect(turns.held).toBeUndefined();
  });

  it('given a wait that fails, when the turn is ended, then the next append gets it', async () => {
    const turns = new AppendTurns();
    const order: string[] = [];
    const failing = append(turns, 'fails', order, Promise.reject(new Error('read failed')));
    const next = append(turns, 'next', order);
    await expect(failing).rejects.toThrow('read failed');
    await next;
    expect(order).toEqual(['next']);
  });
});

import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { RandomIdGenerator } from '../../src/workstation/index.js';

const timeOf = (id: string): number => parseInt(id.replaceAll('-', '').slice(0, 12), 16);
const fixedAt = (ms: number) => () => ms;

describe('RandomIdGenerator', () => {
  it('makes UUID v7 ids that zod accepts as UUIDs, with the version and variant bits set', () => {
    const ids = new RandomIdGenerator();
    for (let i = 0; i < 1000; i++) {
      const id = ids.newId();
      expect(z.uuid().safeParse(id).success).toBe(true);
      expect(z.uuidv7().safeParse(id).success).toBe(true);
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('carries the creation time in its first 48 bits', () => {
    const before = Date.now();
    const id = new RandomIdGenerator().newId();
    expect(timeOf(id)).toBeGreaterThanOrEqual(before);
    expect(timeOf(id)).toBeLessThanOrEqual(Date.now());
    expect(timeOf(new RandomIdGenerator({ now: fixedAt(1_700_000_000_123) }).newId())).toBe(1_700_000_000_123);
  });

  it('given many ids in a tight loop, then they are unique and sort in creation order', () => {
    const ids = new RandomIdGenerator();
    const made = Array.from({ length: 20_000 }, () => ids.newId());
    expect(new Set(made).size).toBe(made.length);
    expect([...made].sort()).toEqual(made);
  });

  it('given more ids in one millisecond than the counter holds, then the time field runs ahead and order is kept', () => {
    const ids = new RandomIdGenerator({ now: fixedAt(5_000) });
    const made = Array.from({ length: 10_000 }, () => ids.newId());
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
    expect(timeOf(made[0]!)).toBe(5_000);
    expect(timeOf(made.at(-1)!)).toBeGreaterThan(5_000);
  });

  it('given the clock steps back, then ids still sort in creation order', () => {
    const times = [9_000, 9_000, 4_000, 4_000, 9_001, 1];
    let i = 0;
    const ids = new RandomIdGenerator({ now: () => times[i++]! });
    const made = times.map(() => ids.newId());
    expect([...made].sort()).toEqual(made);
    expect(made.map(timeOf)).toEqual([9_000, 9_000, 9_000, 9_000, 9_001, 9_001]);
  });

  it('given two generators at the same instant, then their ids differ (the rest is random)', () => {
    const [a, b] = [new RandomIdGenerator({ now: fixedAt(42) }), new RandomIdGenerator({ now: fixedAt(42) })];
    const fromA = new Set(Array.from({ length: 500 }, () => a.newId()));
    for (let k = 0; k < 500; k++) expect(fromA.has(b.newId())).toBe(false);
  });
});

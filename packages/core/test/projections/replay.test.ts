import { describe, expect, it } from 'vitest';
import { InvalidInputError, replay, runsProjection } from '../../src/index.js';
import { History } from './history.js';

async function threeRuns(): Promise<{ h: History; positions: number[]; times: string[] }> {
  const h = new History();
  const events = [await h.start('r1'), await h.start('r2'), await h.start('r3')];
  return { h, positions: events.map((e) => e.position), times: events.map((e) => e.recordedAt) };
}

describe('replay --until', () => {
  it('given no limit, then it replays the whole log', async () => {
    const { h, positions } = await threeRuns();
    const result = await replay(h.store, runsProjection);
    expect(Object.keys(result.state)).toEqual(['r1', 'r2', 'r3']);
    expect(result).toMatchObject({ position: positions[2], events: 3 });
  });

  it('when until is a position, then it stops after that position (inclusive)', async () => {
    const { h, positions } = await threeRuns();
    const result = await replay(h.store, runsProjection, { until: positions[1]! });
    expect(Object.keys(result.state)).toEqual(['r1', 'r2']);
    expect(result.position).toBe(positions[1]);
  });

  it('when until is a time, then it holds what was recorded at or before it', async () => {
    const { h, times } = await threeRuns();
    const atSecond = await replay(h.store, runsProjection, { until: times[1]! });
    expect(Object.keys(atSecond.state)).toEqual(['r1', 'r2']);
    expect(atSecond.recordedAt).toBe(times[1]);
    const justBefore = new Date(Date.parse(times[1]!) - 1).toISOString();
    expect(Object.keys((await replay(h.store, runsProjection, { until: justBefore })).state)).toEqual(['r1']);
    const withOffset = new Date(Date.parse(times[0]!)).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    expect(Object.keys((await replay(h.store, runsProjection, { until: withOffset })).state)).toEqual(['r1']);
  });

  it('when until is before the first event, then the state is the initial one', async () => {
    const { h } = await threeRuns();
    expect(await replay(h.store, runsProjection, { until: '2000-01-01T00:00:00Z' })).toEqual({ state: {}, position: -1, recordedAt: null, events: 0 });
  });

  it('refuses an until that is neither a position nor an ISO time, saying so', async () => {
    const { h } = await threeRuns();
    await expect(replay(h.store, runsProjection, { until: 'yesterday' })).rejects.toThrow(InvalidInputError);
    await expect(replay(h.store, runsProjection, { until: -1 })).rejects.toThrow(/replay --until/);
  });
});

import { firstValueFrom, filter } from 'rxjs';
import { describe, expect, it, vi } from 'vitest';
import {
  ProjectionHandlerError,
  ProjectionRunner,
  InvalidInputError,
  ProjectionStateError,
  defineProjection,
  replay,
  runsProjection,
  type Projection,
} from '../../src/index.js';
import { InMemoryCheckpointStore } from '../../src/testing/index.js';
import { History } from './history.js';

/** Counts the parameters it sees, and how many events it was handed (to tell a resume from a rebuild). */
function parameterCounter(version = 1, seen = { events: 0 }): Projection<{ parameters: number; names: string[] }> {
  return defineProjection({
    name: 'parameter-counter',
    version,
    initial: { parameters: 0, names: [] as string[] },
    handlers: {
      ParameterRecorded: (state, e) => {
        seen.events++;
        state.parameters++;
        state.names.push(e.data.name);
      },
    },
  });
}

async function withParameters(h: History, run: string, names: string[]): Promise<number> {
  let position = -1;
  for (const name of names) position = (await h.emit(`run-${run}`, 'ParameterRecorded', { name, value: 1 })).position;
  return position;
}

describe('ProjectionRunner', () => {
  it('given no checkpoint, when it catches up, then it applies the whole log and checkpoints it', async () => {
    const h = new History();
    const last = await withParameters(h, 'r1', ['a', 'b', 'c']);
    const checkpoints = new InMemoryCheckpointStore();
    const runner = new ProjectionRunner(h.store, checkpoints, parameterCounter());
    expect(await runner.catchUp()).toEqual({ origin: 'fresh', fromPosition: -1, position: last, events: 3 });
    expect(runner.state).toEqual({ parameters: 3, names: ['a', 'b', 'c'] });
    let lastHash: string | undefined;
    for await (const e of h.store.readAll({ fromPosition: last })) lastHash = e.hash;
    expect(await checkpoints.load('parameter-counter')).toEqual({
      name: 'parameter-counter',
      version: 1,
      position: last,
      hash: lastHash,
      state: { parameters: 3, names: ['a', 'b', 'c'] },
    });
  });

  it('given a checkpoint taken on another log with the same positions (a backup restored, then more recorded), when a runner starts, then it discards it, rebuilds and says why in one line', async () => {
    const original = new History();
    const checkpoints = new InMemoryCheckpointStore();
    await withParameters(original, 'r1', ['a', 'b', 'c']);
    await new ProjectionRunner(original.store, checkpoints, parameterCounter()).catchUp();
    const restored = new History();
    await withParameters(restored, 'r1', ['a', 'b']);
    await withParameters(restored, 'r2', ['z']);
    const runner = new ProjectionRunner(restored.store, checkpoints, parameterCounter());
    const report = await runner.catchUp();
    expect(report).toMatchObject({ origin: 'rebuilt', discardedReason: 'log-differs', fromPosition: -1, events: 3 });
    expect(report.notice).toMatch(/^the checkpoint of projection parameter-counter \(position 2\) was taken on another log[^\n]*rebuilt from the log$/);
    expect(runner.state.names).toEqual(['a', 'b', 'z']);
  });

  it('given a checkpoint past the end of the log (truncated or restored since), when a runner starts, then it rebuilds from what is there', async () => {
    const long = new History();
    const checkpoints = new InMemoryCheckpointStore();
    await withParameters(long, 'r1', ['a', 'b', 'c', 'd']);
    await new ProjectionRunner(long.store, checkpoints, parameterCounter()).catchUp();
    const short = new History();
    await withParameters(short, 'r1', ['a', 'b']);
    const runner = new ProjectionRunner(short.store, checkpoints, parameterCounter());
    expect(await runner.catchUp()).toMatchObject({
      origin: 'rebuilt',
      discardedReason: 'log-shorter',
      events: 2,
      notice: expect.stringMatching(/past the end of the log/),
    });
    expect(runner.state.names).toEqual(['a', 'b']);
    expect(await checkpoints.load('parameter-counter')).toMatchObject({ position: 1, state: { names: ['a', 'b'] } });
  });

  it('given a checkpoint that does not record its event hash (written by an older version), when a runner starts, then it cannot be verified and is rebuilt', async () => {
    const h = new History();
    const checkpoints = new InMemoryCheckpointStore();
    const last = await withParameters(h, 'r1', ['a', 'b']);
    await checkpoints.save({ name: 'parameter-counter', version: 1, position: last, state: { parameters: 7, names: ['stale'] } });
    const runner = new ProjectionRunner(h.store, checkpoints, parameterCounter());
    expect(await runner.catchUp()).toMatchObject({
      origin: 'rebuilt',
      discardedReason: 'unverifiable',
      notice: expect.stringMatching(/does not record the event/),
    });
    expect(runner.state).toEqual({ parameters: 2, names: ['a', 'b'] });
  });

  it('given a checkpoint, when a new runner starts, then it resumes after it without re-reading', async () => {
    const h = new History();
    const checkpoints = new InMemoryCheckpointStore();
    const first = await withParameters(h, 'r1', ['a', 'b']);
    await new ProjectionRunner(h.store, checkpoints, parameterCounter()).catchUp();
    const last = await withParameters(h, 'r1', ['c']);
    const seen = { events: 0 };
    const runner = new ProjectionRunner(h.store, checkpoints, parameterCounter(1, seen));
    expect(await runner.catchUp()).toEqual({ origin: 'checkpoint', fromPosition: first, position: last, events: 1 });
    expect(seen.events).toBe(1);
    expect(runner.state).toEqual({ parameters: 3, names: ['a', 'b', 'c'] });
  });

  it('given a checkpoint of another version, when it starts, then it rebuilds from position 0', async () => {
    const h = new History();
    const checkpoints = new InMemoryCheckpointStore();
    await withParameters(h, 'r1', ['a', 'b']);
    await new ProjectionRunner(h.store, checkpoints, parameterCounter(1)).catchUp();
    const seen = { events: 0 };
    const runner = new ProjectionRunner(h.store, checkpoints, parameterCounter(2, seen));
    expect(await runner.catchUp()).toMatchObject({ origin: 'rebuilt', discardedVersion: 1, fromPosition: -1, events: 2 });
    expect(seen.events).toBe(2);
    expect(runner.state.parameters).toBe(2);
    expect((await checkpoints.load('parameter-counter'))?.version).toBe(2);
  });

  it('when it follows live events, then the state, updates and waitForPosition see each append', async () => {
    const h = new History();
    await h.start('r1');
    const runner = new ProjectionRunner(h.store, new InMemoryCheckpointStore(), runsProjection);
    await runner.start();
    const published = firstValueFrom(runner.updates.pipe(filter((u) => u.state.r1?.status === 'published')));
    const seal = await h.publishRun('r1');
    await runner.waitForPosition(seal.position);
    expect(runner.state.r1!.status).toBe('published');
    expect((await published).position).toBe(seal.position);
    await h.start('r2');
    await h.emit('run-r2', 'LabelAdded', { name: 'team', value: 'vision' });
    expect(runner.state.r2!.labels).toEqual({ team: 'vision' });
    await runner.stop();
    const copy = runner.snapshot();
    expect(copy).toEqual((await replay(h.store, runsProjection)).state);
    expect(copy).not.toBe(runner.state);
  });

  it('checkpoints every N events while live, and at stop', async () => {
    const h = new History();
    const checkpoints = new InMemoryCheckpointStore();
    const runner = new ProjectionRunner(h.store, checkpoints, parameterCounter(), { checkpointEvery: 2, checkpointShare: 1 });
    await runner.start();
    const afterStart = checkpoints.saves.get('parameter-counter') ?? 0;
    const second = await withParameters(h, 'r1', ['a', 'b']);
    await runner.waitForPosition(second);
    await Promise.resolve();
    expect((await checkpoints.load('parameter-counter'))?.position).toBe(second);
    const third = await withParameters(h, 'r1', ['c']);
    expect((await checkpoints.load('parameter-counter'))?.position).toBe(second);
    await runner.stop();
    expect((await checkpoints.load('parameter-counter'))?.position).toBe(third);
    expect(checkpoints.saves.get('parameter-counter')).toBe(afterStart + 2);
  });

  it('given checkpoint writes that fail (a full disk), when it catches up, follows and stops, then it serves the state and only an explicit checkpoint() rejects', async () => {
    const h = new History();
    await withParameters(h, 'r1', ['a', 'b']);
    const checkpoints = new InMemoryCheckpointStore();
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    checkpoints.save = () => Promise.reject(full);
    const runner = new ProjectionRunner(h.store, checkpoints, parameterCounter(), { checkpointEvery: 1, checkpointShare: 1 });
    const report = await runner.start();
    expect(report).toMatchObject({ origin: 'fresh', events: 2 });
    expect(runner.state.names).toEqual(['a', 'b']);
    expect(runner.checkpointFailure).toBe(full);
    const c = await withParameters(h, 'r1', ['c']);
    await runner.waitForPosition(c);
    expect(runner.state.names).toEqual(['a', 'b', 'c']);
    await expect(runner.checkpoint()).rejects.toBe(full);
    await runner.stop();
    expect(await checkpoints.load('parameter-counter')).toBeUndefined();
  });

  it('skips automatic checkpoints that would take more than its share of the time, and catches up once it is affordable', async () => {
    let now = 0;
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      const h = new History();
      const checkpoints = new InMemoryCheckpointStore();
      const save = checkpoints.save.bind(checkpoints);
      checkpoints.save = async (checkpoint) => {
        now += 100; // every checkpoint costs 100 ms
        await save(checkpoint);
      };
      const runner = new ProjectionRunner(h.store, checkpoints, parameterCounter(), { checkpointEvery: 1, checkpointShare: 0.5 });
      await runner.start();
      const saved = () => checkpoints.saves.get('parameter-counter');
      expect(saved()).toBe(1);
      await withParameters(h, 'r1', ['a', 'b']);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(saved()).toBe(1); // 0 ms since a 100 ms checkpoint: half the time would go to checkpoints
      now += 100;
      const c = await withParameters(h, 'r1', ['c']);
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(saved()).toBe(2);
      expect((await checkpoints.load('parameter-counter'))?.position).toBe(c);
      await runner.stop();
    } finally {
      clock.mockRestore();
    }
  });

  it('refuses options it cannot honour', () => {
    const h = new History();
    expect(() => new ProjectionRunner(h.store, new InMemoryCheckpointStore(), runsProjection, { checkpointShare: 0 })).toThrow(InvalidInputError);
    expect(() => new ProjectionRunner(h.store, new InMemoryCheckpointStore(), runsProjection, { checkpointEvery: -1 })).toThrow(/checkpointEvery/);
  });

  it('when a handler throws, then the runner stops with an error naming the event, and the last checkpoint stays', async () => {
    const h = new History();
    const checkpoints = new InMemoryCheckpointStore();
    const fragile = defineProjection({
      name: 'fragile',
      version: 1,
      initial: { n: 0 },
      handlers: {
        LabelAdded: (state, e) => {
          if (e.data.value === 'bad') throw new Error('cannot take bad labels');
          state.n++;
        },
      },
    });
    const runner = new ProjectionRunner(h.store, checkpoints, fragile);
    await runner.start();
    const good = await h.emit('run-r1', 'LabelAdded', { name: 'x', value: 'good' });
    await runner.checkpoint();
    const bad = await h.emit('run-r1', 'LabelAdded', { name: 'x', value: 'bad' });
    await expect(runner.waitForPosition(bad.position)).rejects.toThrow(ProjectionHandlerError);
    await expect(runner.stop()).rejects.toThrow(`projection fragile failed on LabelAdded at run-r1@1 (position ${bad.position}): cannot take bad labels`);
    expect(await checkpoints.load('fragile')).toMatchObject({ position: good.position, state: { n: 1 } });
  });

  it('when the state holds something JSON cannot carry, then checkpointing names the path', async () => {
    const h = new History();
    const dated = defineProjection({
      name: 'dated',
      version: 1,
      initial: { runs: {} as Record<string, unknown> },
      handlers: { RunStarted: (state, e) => void (state.runs[e.data.runId] = { at: new Date(e.data.startedAt) }) },
    });
    await h.start('r1');
    const runner = new ProjectionRunner(h.store, new InMemoryCheckpointStore(), dated);
    await expect(runner.catchUp()).rejects.toThrow(ProjectionStateError);
    await expect(runner.checkpoint()).rejects.toThrow(/state at runs\.r1\.at is a Date object/);
  });
});

describe('defineProjection', () => {
  it('refuses handlers for event types that do not exist, bad names and versions', () => {
    const base = { name: 'p', version: 1, initial: {}, handlers: {} };
    expect(() => defineProjection({ ...base, handlers: { RunStart: (s: object) => s } as never })).toThrow(/unknown event types RunStart/);
    expect(() => defineProjection({ ...base, name: 'has space' })).toThrow(/projection has space: name must be/);
    expect(() => defineProjection({ ...base, version: 0 })).toThrow(/version/);
    expect(() => defineProjection({ ...base, initial: { when: new Date() } })).toThrow(/state at when is a Date object/);
  });
});

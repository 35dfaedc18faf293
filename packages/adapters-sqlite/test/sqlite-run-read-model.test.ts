import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setTimeout } from 'node:timers/promises';
import { QueryFieldError, parseQuery, type EventStore, type EventType, type ReadAllOptions } from '@dotscience/core';
import { InMemoryEventStore } from '@dotscience/core/testing';
import { SqliteRunReadModel } from '../src/index.js';
import { append, historyEvents, type RunSpec } from './run-history.js';

const dir = mkdtempSync(join(tmpdir(), 'ds-read-model-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const fileName = (): string => join(dir, `model-${files++}.sqlite`);

const run = (ops: RunSpec['ops'], startedAt = '2026-01-01T00:00:00.000Z'): RunSpec => ({ startedAt, mode: 'script', workload: 'none', user: 'ada', ops });
const trained = (accuracy: number, depth: number): RunSpec =>
  run([
    { type: 'ParameterRecorded', name: 'depth', value: depth },
    { type: 'MetricRecorded', name: 'accuracy', value: accuracy },
    { type: 'RunPublished', endedAt: '2026-01-01T00:00:05.000Z' },
  ]);

type Events = Array<{ stream: string; type: EventType; data: unknown }>;
const eventsOf = (runs: RunSpec[]): Events => historyEvents({ runs, order: runs.flatMap((r, i) => Array.from({ length: r.ops.length + 1 }, () => i)) });

async function storeWith(events: Events): Promise<InMemoryEventStore> {
  const store = new InMemoryEventStore();
  await append(store, events);
  return store;
}

const all = { query: parseQuery(''), workloads: true };
const ids = async (model: SqliteRunReadModel, filter = ''): Promise<string[]> =>
  (await model.runs({ query: parseQuery(filter), workloads: true })).runs.map((r) => r.runId);

describe('the runs read model file', () => {
  it('given a read model caught up, when runs are appended, then it reads only the tail and answers with them', async () => {
    const events = eventsOf([trained(0.95, 3), trained(0.5, 3), trained(0.97, 4)]);
    const store = await storeWith(events.slice(0, 8));
    const file = fileName();
    const first = SqliteRunReadModel.open({ file, events: store });
    expect((await first.catchUp()).origin).toBe('rebuilt');
    await first.close();
    await append(store, events.slice(8));
    const again = SqliteRunReadModel.open({ file, events: store });
    const report = await again.catchUp();
    expect(report).toMatchObject({ origin: 'resumed', read: events.length - 8 });
    expect(report.notice).toBeUndefined();
    expect(await ids(again, 'metrics.accuracy > 0.9 and params.depth = 3')).toEqual(['01900000-run']);
    await again.close();
  });

  it('given a read model taken on a longer log, when the log is restored from an older backup, then it is rebuilt with a notice', async () => {
    const events = eventsOf([trained(0.95, 3), trained(0.5, 3)]);
    const file = fileName();
    const longer = SqliteRunReadModel.open({ file, events: await storeWith(events) });
    await longer.catchUp();
    expect(await ids(longer)).toHaveLength(2);
    await longer.close();
    const restored = SqliteRunReadModel.open({ file, events: await storeWith(events.slice(0, 4)) });
    const report = await restored.catchUp();
    expect(report.origin).toBe('rebuilt');
    expect(report.notice).toMatch(/read model .* past the end of the log/);
    expect(await ids(restored)).toEqual(['01900000-run']);
    await restored.close();
  });

  it('given a read model taken on one log, when another log with as many events is in its place, then it is rebuilt with a notice', async () => {
    const file = fileName();
    const one = SqliteRunReadModel.open({ file, events: await storeWith(eventsOf([trained(0.95, 3)])) });
    await one.catchUp();
    await one.close();
    const other = SqliteRunReadModel.open({ file, events: await storeWith(eventsOf([trained(0.1, 9)])) });
    const report = await other.catchUp();
    expect(report.notice).toMatch(/taken on another log/);
    expect((await other.runs(all)).runs[0]!.parameters).toEqual({ depth: 9 });
    await other.close();
  });

  it('given a read model, when its file is deleted, then the next catch-up builds it again from the whole log and answers the same', async () => {
    const store = await storeWith(eventsOf([trained(0.95, 3), trained(0.5, 4)]));
    const file = fileName();
    const before = SqliteRunReadModel.open({ file, events: store });
    await before.catchUp();
    const answer = await before.runs(all);
    await before.close();
    rmSync(file);
    const rebuilt = SqliteRunReadModel.open({ file, events: store });
    const report = await rebuilt.catchUp();
    expect(report).toMatchObject({ origin: 'rebuilt', read: 8 });
    expect(await rebuilt.runs(all)).toEqual(answer);
    await rebuilt.close();
  });

  it("given two processes catching up the same file at once, when their batches interleave, then the one overtaken starts again from the other's checkpoint and both answer every run once", async () => {
    const runs = Array.from({ length: 12 }, (_, i) => trained(i / 12, i % 3));
    const events = eventsOf(runs);
    // Checkpointed in the middle of run 5 (its start and parameter before, its metric after).
    const store = await storeWith(events.slice(0, 22));
    const file = fileName();
    const one = SqliteRunReadModel.open({ file, events: store, batchRuns: 1 });
    await one.catchUp();
    await append(store, events.slice(22));
    // The other reads the log's tail slowly, so the first commits the runs it is applying ahead of it, and it must notice.
    const slowly: EventStore = Object.assign(Object.create(store) as EventStore, {
      async *readAll(options?: ReadAllOptions) {
        for await (const e of store.readAll(options)) {
          if (options?.maxCount === undefined) await setTimeout(5);
          yield e;
        }
      },
    });
    const other = SqliteRunReadModel.open({ file, events: slowly, batchRuns: 1 });
    const [a, b] = await Promise.all([one.catchUp(), other.catchUp()]);
    expect(a.position).toBe(b.position);
    const expected = runs.map((_, i) => `0190${i.toString(16).padStart(4, '0')}-run`).reverse();
    expect(await ids(one)).toEqual(expected);
    expect(await ids(other)).toEqual(expected);
    expect((await one.runs({ query: parseQuery('params.depth = 2'), workloads: true })).total).toBe(4);
    // No event applied twice: each run recorded its one accuracy point once.
    expect((await one.runs({ query: parseQuery('metrics.accuracy.count = 1'), workloads: true })).total).toBe(12);
    await one.close();
    await other.close();
  });

  it('refuses an aggregate of a metric that does not exist, naming the field', async () => {
    const model = SqliteRunReadModel.open({ file: fileName(), events: await storeWith(eventsOf([trained(0.95, 3)])) });
    await model.catchUp();
    await expect(model.runs({ query: parseQuery('metrics.accuracy.mean > 0.5') })).rejects.toThrow(QueryFieldError);
    await expect(model.runs({ query: parseQuery('metrics.accuracy.mean > 0.5') })).rejects.toThrow(
      /metrics\.accuracy\.mean: no aggregate 'mean' of metric accuracy/,
    );
    await expect(model.runs({ query: parseQuery("attributes.status = 'finished'") })).rejects.toThrow(
      /status "finished"; the values are running, published, errored/,
    );
    const yesterday = {
      filter: { kind: 'compare' as const, field: { scope: 'attributes' as const, key: 'started_at' as const }, op: '>' as const, value: 'yesterday' },
      orderBy: [],
    };
    await expect(model.runs({ query: yesterday })).rejects.toThrow(/started_at: "yesterday" is not a time/);
    await model.close();
  });

  it('pages the newest first and counts every match', async () => {
    const runs = Array.from({ length: 7 }, (_, i) => trained(0.9 + i / 100, 3));
    const model = SqliteRunReadModel.open({ file: fileName(), events: await storeWith(eventsOf(runs)) });
    await model.catchUp();
    const page = await model.runs({ query: parseQuery(''), limit: 3, offset: 2 });
    expect(page.total).toBe(7);
    expect(page.runs.map((r) => r.runId)).toEqual(['01900004-run', '01900003-run', '01900002-run']);
    const streamed: string[] = [];
    for await (const r of model.eachRun({ query: parseQuery('metrics.accuracy >= 0.93') })) streamed.push(r.runId);
    expect(streamed).toEqual(['01900006-run', '01900005-run', '01900004-run', '01900003-run']);
    expect(await model.runIdsStartingWith('0190000', 3)).toEqual({ ids: ['01900000-run', '01900001-run', '01900002-run'], total: 7 });
    expect(await model.distinctPrefixLength()).toBe(8);
    await model.close();
  });
});

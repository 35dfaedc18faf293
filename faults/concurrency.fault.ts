import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyChain, type RecordedEvent } from '@dotscience/core';
import { FsEventStore } from '@dotscience/adapters-fs';
import { SCALE } from './campaign-scale.js';
import { recordFigures } from './campaign-figures.js';
import { runFaultChild } from './fault-child-process.js';

const BATCH = 25;
const temps: string[] = [];
afterAll(() => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));
const rows: Array<[string, string | number]> = [];
afterAll(() =>
  recordFigures({
    id: '4-concurrency',
    title: `Concurrency (${SCALE.processes} processes on one fs event store)`,
    rows,
    notes: [
      `Each process opens the store (waiting for the writer lock), appends a batch of ${BATCH}, closes, and repeats, alternating its own stream and one stream all share.`,
      'Contest: every process tries to append revision r of one stream with expectedRevision r-1, for each round r; all of them race for every revision.',
    ],
  }),
);

async function readBack(dir: string): Promise<RecordedEvent[]> {
  const store = await FsEventStore.open(dir, { readOnly: true });
  try {
    const out: RecordedEvent[] = [];
    for await (const e of store.readAll()) out.push(e);
    return out;
  } finally {
    await store.close();
  }
}

describe('concurrency', () => {
  it(`given ${SCALE.processes} processes × ${SCALE.appendsPerProcess} appends across shared and separate streams, then every acknowledged event is there once, positions and revisions have no gap and the chains verify`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ds-fault-concurrency-'));
    temps.push(dir);
    const started = performance.now();
    const outputs = await Promise.all(
      Array.from({ length: SCALE.processes }, () => runFaultChild(['append-many', dir, String(SCALE.appendsPerProcess), String(BATCH)])),
    );
    const seconds = (performance.now() - started) / 1000;
    const acknowledged = outputs.flat().flatMap((line) => line.split(' ').slice(2));
    const all = await readBack(dir);
    const ids = new Map<string, number>();
    for (const e of all) ids.set(e.id, (ids.get(e.id) ?? 0) + 1);
    const duplicates = [...ids.values()].filter((n) => n > 1).length;
    const missing = acknowledged.filter((id) => !ids.has(id)).length;
    const positionGaps = all.filter((e, i) => e.position !== i).length;
    const byStream = new Map<string, number[]>();
    for (const e of all) byStream.set(e.stream, [...(byStream.get(e.stream) ?? []), e.revision]);
    const revisionGaps = [...byStream.values()].reduce((n, revs) => n + revs.filter((r, i) => r !== i).length, 0);
    const chain = verifyChain(all).ok;
    rows.push(
      ['events appended (acknowledged)', acknowledged.length],
      ['events in the log', all.length],
      ['streams (own + shared)', byStream.size],
      ['events in the shared stream', byStream.get('dataset-shared')?.length ?? 0],
      ['acknowledged events missing', missing],
      ['duplicate events', duplicates],
      ['gaps in global positions', positionGaps],
      ['gaps in stream revisions', revisionGaps],
      ['hash chains', chain ? 'verify' : 'BROKEN'],
      ['wall time', `${seconds.toFixed(1)} s (${Math.round(acknowledged.length / seconds)} events/s with a lock handover per batch)`],
    );
    expect({ missing, duplicates, positionGaps, revisionGaps, chain }).toEqual({ missing: 0, duplicates: 0, positionGaps: 0, revisionGaps: 0, chain: true });
    expect(acknowledged.length).toBe(SCALE.processes * SCALE.appendsPerProcess);
    expect(all.length).toBe(acknowledged.length);
  });

  it(`given ${SCALE.processes} processes racing for each of ${SCALE.contestRounds} revisions of one stream, then exactly one wins each revision`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ds-fault-contest-'));
    temps.push(dir);
    const outputs = await Promise.all(Array.from({ length: SCALE.processes }, () => runFaultChild(['contest', dir, String(SCALE.contestRounds)])));
    const winners = new Map<number, string[]>();
    let attempts = 0;
    for (const line of outputs.flat()) {
      const [verdict, round, id] = line.split(' ');
      attempts++;
      if (verdict === 'won') winners.set(Number(round), [...(winners.get(Number(round)) ?? []), id!]);
    }
    const stream = (await readBack(dir)).filter((e) => e.stream === 'model-contested');
    const notExactlyOne = Array.from({ length: SCALE.contestRounds }, (_, r) => winners.get(r)?.length ?? 0).filter((n) => n !== 1).length;
    const winnerNotInLog = stream.filter((e) => winners.get(e.revision)?.[0] !== e.id).length;
    rows.push(
      ['contested revisions', SCALE.contestRounds],
      ['append attempts', attempts],
      ['revisions with other than exactly one winner', notExactlyOne],
      ["revisions whose stored event is not the winner's", winnerNotInLog],
    );
    expect(attempts).toBe(SCALE.processes * SCALE.contestRounds);
    expect(notExactlyOne).toBe(0);
    expect(stream.length).toBe(SCALE.contestRounds);
    expect(winnerNotInLog).toBe(0);
  });
});

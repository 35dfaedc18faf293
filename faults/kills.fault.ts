import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyChain, type RecordedEvent } from '@dotscience/core';
import { FsEventStore } from '@dotscience/adapters-fs';
import { openDotscience } from '@dotscience/sdk';
import { SCALE } from './campaign-scale.js';
import { medianAndMax, recordFigures } from './campaign-figures.js';
import { startFaultChild, type FaultChild } from './fault-child-process.js';

const temps: string[] = [];
const tempDir = async (prefix: string): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};
afterAll(() => Promise.all(temps.map((d) => rm(d, { recursive: true, force: true }))));

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Kill the child at a random moment: mostly after it opened the store, sometimes while it is still starting and recovering. */
async function killAtRandom(child: FaultChild, round: number, afterOpenMs: number): Promise<void> {
  if (round % 10 === 9) {
    await sleep(Math.random() * 250);
  } else {
    while (!child.lines.includes('open') && child.exitCode === null && child.signalCode === null) await sleep(2);
    await sleep(Math.random() * afterOpenMs);
  }
  child.kill('SIGKILL');
  await child.exited;
  if (child.exitCode !== null && child.exitCode !== 0) throw new Error(`the child failed on its own before the kill: ${child.stderr_()}`);
}

interface KillTally {
  kills: number;
  acknowledged: number;
  lost: number;
  repeated: number;
  corruptReads: number;
  chainFailures: number;
  recoveryMs: number[];
}

function record(id: string, title: string, tally: KillTally, what: string, notes: string[]): void {
  const recovery = medianAndMax(tally.recoveryMs);
  recordFigures({
    id,
    title,
    rows: [
      ['SIGKILLs', tally.kills],
      [`acknowledged ${what}`, tally.acknowledged],
      [`acknowledged ${what} lost`, tally.lost],
      ['acknowledged events read twice', tally.repeated],
      ['corrupt reads', tally.corruptReads],
      ['hash-chain failures', tally.chainFailures],
      ['recovery (open after the kill) median', recovery.median],
      ['recovery (open after the kill) max', recovery.max],
    ],
    notes,
  });
}

describe('kill -9 at random points', () => {
  it(`given a process appending in a loop, when it is SIGKILLed ${SCALE.appendKills} times, then no acknowledged event is lost or repeated, every read is whole and the chain verifies`, async () => {
    const dir = await tempDir('ds-fault-kill-append-');
    const acknowledged = new Set<string>();
    const tally: KillTally = { kills: 0, acknowledged: 0, lost: 0, repeated: 0, corruptReads: 0, chainFailures: 0, recoveryMs: [] };
    let parentAppends = 0;
    for (let round = 0; round < SCALE.appendKills; round++) {
      const child = startFaultChild(['append-loop', dir]);
      await killAtRandom(child, round, 40);
      tally.kills++;
      for (const line of child.lines) if (line.startsWith('ack ')) for (const id of line.slice(4).split(' ')) acknowledged.add(id);

      const started = performance.now();
      const store = await FsEventStore.open(dir); // takes over the dead child's lock, cuts a torn tail
      tally.recoveryMs.push(performance.now() - started);
      try {
        let all: RecordedEvent[] = [];
        try {
          all = await collect(store.readAll());
        } catch {
          tally.corruptReads++;
        }
        const times = new Map<string, number>();
        for (const e of all) times.set(e.id, (times.get(e.id) ?? 0) + 1);
        tally.lost = [...acknowledged].filter((id) => !times.has(id)).length;
        tally.repeated += [...times.values()].filter((n) => n > 1).length;
        if (!verifyChain(all).ok) tally.chainFailures++;
        if (all.some((e, i) => e.position !== i)) tally.corruptReads++;
        const parent = await store.append('run-parent', [{ id: crypto.randomUUID(), type: 'MetricRecorded', schemaVersion: 1, data: { round }, meta: {} }], {
          expectedRevision: parentAppends - 1,
        });
        acknowledged.add(parent.events[0]!.id);
        parentAppends++;
      } finally {
        await store.close();
      }
      if (tally.lost > 0 || tally.corruptReads > 0 || tally.chainFailures > 0) break; // the figures say where it broke
    }
    tally.acknowledged = acknowledged.size;
    record('1-kills-appends', 'kill -9 during appends (FsEventStore, group commit, 64 KiB segments)', tally, 'events', [
      'A child process appends to four streams with four appends in flight; the parent kills it at a random moment (one round in ten while it is still opening and recovering), then opens the store, reads everything back, verifies the hash chains and appends one event itself.',
      '"acknowledged" = the child printed the event id after `append()` resolved (i.e. after fdatasync).',
    ]);
    expect(tally).toMatchObject({ lost: 0, repeated: 0, corruptReads: 0, chainFailures: 0 });
    expect(acknowledged.size).toBeGreaterThan(SCALE.appendKills);
  });

  it(`given a script capturing inputs and publishing runs through the SDK, when it is SIGKILLed ${SCALE.runKills} times, then every published run is there sealed, its inputs materialize byte for byte and the chain verifies`, async () => {
    const project = await tempDir('ds-fault-kill-run-');
    const published = new Map<string, string>(); // runId → input directory
    const checked = new Set<string>();
    const tally: KillTally = { kills: 0, acknowledged: 0, lost: 0, repeated: 0, corruptReads: 0, chainFailures: 0, recoveryMs: [] };
    let events = 0;
    for (let round = 0; round < SCALE.runKills; round++) {
      const child = startFaultChild(['run-loop', project]);
      await killAtRandom(child, round, 1500);
      tally.kills++;
      for (const line of child.lines) {
        const [word, runId, input] = line.split(' ');
        if (word === 'published') published.set(runId!, input!);
      }

      const started = performance.now();
      const ds = await openDotscience({ cwd: project, env: {} });
      tally.recoveryMs.push(performance.now() - started);
      try {
        let all: RecordedEvent[] = [];
        try {
          all = await collect(ds.events.readAll());
        } catch {
          tally.corruptReads++;
        }
        events = all.length;
        tally.repeated = all.length - new Set(all.map((e) => e.id)).size;
        if (!verifyChain(all).ok) tally.chainFailures++;
        const byStream = new Map<string, RecordedEvent[]>();
        for (const e of all) byStream.set(e.stream, [...(byStream.get(e.stream) ?? []), e]);
        tally.lost = 0;
        for (const [runId, input] of published) {
          const stream = byStream.get(`run-${runId}`) ?? [];
          if (!stream.some((e) => e.type === 'RunPublished')) tally.lost++;
          if (checked.has(runId)) continue;
          for (const e of stream.filter((x) => x.type === 'InputDeclared')) {
            const data = e.data as { path: string; version: Parameters<typeof ds.data.materialize>[0] };
            const target = join(await tempDir('ds-fault-materialize-'), 'out');
            try {
              await ds.data.materialize(data.version, target);
              if (!(await sameTree(resolve(project, data.path), target)) || resolve(project, data.path) !== resolve(input)) tally.corruptReads++;
            } catch {
              tally.corruptReads++;
            }
          }
          checked.add(runId);
        }
      } finally {
        await ds.close();
      }
      if (tally.lost > 0 || tally.corruptReads > 0 || tally.chainFailures > 0) break;
    }
    tally.acknowledged = published.size;
    record('2-kills-runs', 'kill -9 during captures and publishes (SDK run loop on the fs stores)', tally, 'published runs', [
      `A child script loops: write an input directory of three random files (up to 200 kB each), \`start\`, \`input\` (capture), a parameter, 20 metric points, \`publish\`. ${events} events were in the log at the end.`,
      'A published run counts as lost when its stream has no RunPublished; a corrupt read is a read that throws, or an input of a published run that does not materialize to the bytes that were captured.',
      'Recovery here is openDotscience: configuration, the container, the data store and the event log (lock takeover and torn-tail cut).',
    ]);
    expect(tally).toMatchObject({ lost: 0, repeated: 0, corruptReads: 0, chainFailures: 0 });
    expect(published.size).toBeGreaterThan(0);
  });
});

async function sameTree(a: string, b: string): Promise<boolean> {
  const names = (await readdir(a)).sort();
  if (JSON.stringify(names) !== JSON.stringify((await readdir(b)).sort())) return false;
  for (const name of names) if (!(await readFile(join(a, name))).equals(await readFile(join(b, name)))) return false;
  return true;
}

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '@dotscience/core';
import { FsEventStore } from '../../src/event-store/index.js';
import { bundleStoreChild, startChild } from './child-process-bundle.js';
import { collect, metricEvent, tempStoreDir } from './fixtures.js';

const KILLS = 100;

describe('FsEventStore under SIGKILL', () => {
  let bundle: string;
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    bundle = await bundleStoreChild();
    ({ dir, cleanup } = await tempStoreDir());
  });
  afterAll(() => cleanup());

  it(`given a process appending in a loop, when it is killed at random moments ${KILLS} times, then every acknowledged event is there exactly once, the chain verifies and appends continue`, async () => {
    const acknowledged = new Set<string>();
    let parentAppends = 0;
    let roundsWithAcks = 0;
    for (let round = 0; round < KILLS; round++) {
      const child = startChild(bundle, ['crash-loop', dir]);
      if (round % 10 === 9) {
        await sleep(Math.random() * 150); // anywhere, also while it is still opening and recovering
      } else {
        // Half the rounds are killed only after the child acknowledged something, so kills land
        // amid appends however loaded the machine is; the others anywhere after the open.
        const ready = round % 2 === 0 ? (line: string) => line.startsWith('ack ') : (line: string) => line === 'open';
        while (!child.lines.some(ready) && child.exitCode === null) await sleep(2);
        await sleep(Math.random() * 40);
      }
      child.kill('SIGKILL');
      await child.exited;
      for (const line of child.lines) if (line.startsWith('ack ')) for (const id of line.slice(4).split(' ')) acknowledged.add(id);
      if (child.lines.some((line) => line.startsWith('ack '))) roundsWithAcks++;

      const store = await FsEventStore.open(dir); // takes over the dead child's lock
      try {
        const all = await collect(store.readAll());
        const times = new Map<string, number>();
        for (const e of all) times.set(e.id, (times.get(e.id) ?? 0) + 1);
        const missing = [...acknowledged].filter((id) => !times.has(id));
        const repeated = [...times].filter(([, n]) => n > 1);
        expect({ round, missing, repeated }).toEqual({ round, missing: [], repeated: [] });
        expect(verifyChain(all).ok).toBe(true);
        expect(all.map((e) => e.position)).toEqual(all.map((_, i) => i));
        const parent = await store.append('run-parent', [metricEvent(round)], { expectedRevision: parentAppends - 1 });
        acknowledged.add(parent.events[0]!.id);
        parentAppends++;
      } finally {
        await store.close();
      }
    }
    // Every round that waited for an acknowledgement killed a child that had made progress.
    expect(roundsWithAcks).toBeGreaterThanOrEqual(KILLS * 0.45);
    expect(acknowledged.size).toBeGreaterThan(KILLS + roundsWithAcks - 1);
    // 100 child processes: ~20 s on a quiet machine, over 120 s at a load of 20 (each round is a Node start).
    // The bound is there to stop a hang, not to time the store.
  }, 600_000);
});

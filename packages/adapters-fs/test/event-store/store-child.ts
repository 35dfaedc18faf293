/**
 * A separate process driving an FsEventStore, for the crash and multi-process
 * tests. Bundled to plain JS by child-process-bundle.ts and run with `node`.
 * Usage: node store-child.mjs <command> <dir> [args…]; prints one line per fact.
 */
import { randomUUID } from 'node:crypto';
import { FsEventStore } from '../../src/event-store/index.js';
import { RecordWorker } from '../../src/event-store/record-worker.js';
import { WrongExpectedRevisionError, type NewEvent } from '@dotscience/core';

const [command, dir, ...args] = process.argv.slice(2);
const event = (n: number): NewEvent => ({ id: randomUUID(), type: 'MetricRecorded', schemaVersion: 1, data: { n, pid: process.pid }, meta: {} });
const say = (line: string): void => void process.stdout.write(`${line}\n`);

async function crashLoop(): Promise<void> {
  // Appends forever (until SIGKILL), several in flight at once so group commit is exercised.
  const store = await FsEventStore.open(dir!, { lock: { wait: true }, segmentMaxBytes: 64 * 1024 });
  say('open');
  for (let n = 0; ; n++) {
    await Promise.all(
      Array.from({ length: 4 }, async (_, k) => {
        // Every fourth round one lane appends 300 events, which are sealed on the worker thread: kills land there too.
        const size = k === 3 && n % 4 === 0 ? 300 : 1 + ((n + k) % 3);
        const batch = Array.from({ length: size }, (_, i) => event(n * 1000 + i));
        await store.append(`run-${k}`, batch);
        say(`ack ${batch.map((e) => e.id).join(' ')}`);
      }),
    );
  }
}

async function appendBatches(stream: string, batches: number, perBatch: number): Promise<void> {
  // Each batch opens the store (waiting for the lock), appends, and closes: writers take turns.
  for (let b = 0; b < batches; b++) {
    const store = await FsEventStore.open(dir!, { lock: { wait: true, timeoutMs: 60_000 } });
    try {
      const batch = Array.from({ length: perBatch }, (_, i) => event(b * perBatch + i));
      await store.append(stream, batch);
      say(`ack ${batch.map((e) => e.id).join(' ')}`);
    } finally {
      await store.close();
    }
  }
}

async function appendExpecting(stream: string, expected: number): Promise<void> {
  const store = await FsEventStore.open(dir!, { lock: { wait: true, timeoutMs: 60_000 } });
  try {
    await store.append(stream, [event(expected + 1)], { expectedRevision: expected });
    say('won');
  } catch (err) {
    if (!(err instanceof WrongExpectedRevisionError)) throw err;
    say('lost');
  } finally {
    await store.close();
  }
}

async function follow(count: number): Promise<void> {
  const store = await FsEventStore.open(dir!, { readOnly: true, pollIntervalMs: 200 });
  say('subscribed');
  let seen = 0;
  store.subscribe().subscribe((e) => {
    say(`event ${e.position} ${e.id}`);
    if (++seen === count) void store.close().then(() => process.exit(0));
  });
}

/** Start a record worker and give it no work: the process must end by itself (the worker holds it only while it works). */
async function idleWorker(): Promise<void> {
  const untilOnline = setInterval(() => undefined, 1000); // a worker starting holds nothing: this process waits for it
  const online = await new RecordWorker().whenOnline();
  clearInterval(untilOnline);
  say(`online ${String(online)}`);
}

const run: Record<string, () => Promise<void>> = {
  'idle-worker': idleWorker,
  'crash-loop': crashLoop,
  'append-batches': () => appendBatches(args[0]!, Number(args[1]), Number(args[2])),
  'append-expecting': () => appendExpecting(args[0]!, Number(args[1])),
  follow: () => follow(Number(args[0])),
};
run[command!]!().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});

// A separate process for the fault campaign, killed with SIGKILL or run side by side.
// Runs the built packages (dist/, made by `tsc -b` in `pnpm test:faults`): Node 20 cannot run TypeScript.
// Usage: node fault-child.mjs <command> <dir> [args…]; prints one line per acknowledged fact.
import { createRequire } from 'node:module';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const packages = new URL('../../packages/', import.meta.url);
createRequire(new URL('sdk/package.json', packages))('reflect-metadata');
const { FsEventStore } = await import(new URL('adapters-fs/dist/index.js', packages).href);
const { WrongExpectedRevisionError } = await import(new URL('core/dist/index.js', packages).href);

const [command, dir, ...args] = process.argv.slice(2);
const say = (line) => void process.stdout.write(`${line}\n`);
const metric = (n) => ({ id: randomUUID(), type: 'MetricRecorded', schemaVersion: 1, data: { n, pid: process.pid }, meta: {} });

/** Appends forever (until SIGKILL), four appends in flight so group commit batches them. */
async function appendLoop() {
  const store = await FsEventStore.open(dir, { lock: { wait: true }, segmentMaxBytes: 64 * 1024 });
  say('open');
  for (let n = 0; ; n++) {
    await Promise.all(
      [0, 1, 2, 3].map(async (k) => {
        // Every eighth round one lane appends 300 events, which are sealed on the worker thread: kills land there too.
        const size = k === 3 && n % 8 === 0 ? 300 : 1 + ((n + k) % 3);
        const batch = Array.from({ length: size }, (_, i) => metric(n * 1000 + i));
        await store.append(`run-${k}`, batch);
        say(`ack ${batch.map((e) => e.id).join(' ')}`);
      }),
    );
  }
}

/** Runs forever through the SDK: write a data file, start, capture it as input, record, publish. Prints each published run. */
async function runLoop() {
  const { DotscienceClient } = await import(new URL('sdk/dist/index.js', packages).href);
  writeFileSync(join(dir, 'train.py'), '# the fault campaign run loop\n');
  const client = new DotscienceClient({ cwd: dir, env: {}, exitHandling: false, scriptPath: join(dir, 'train.py'), log: () => {} });
  mkdirSync(join(dir, 'inputs'), { recursive: true });
  say('open');
  // Pids are reused across 500 kills on a busy machine: a random tag keeps every child's input directories apart.
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  for (let n = 0; ; n++) {
    const input = join(dir, 'inputs', `${tag}-${n}`);
    mkdirSync(input);
    for (let f = 0; f < 3; f++) writeFileSync(join(input, `part-${f}.bin`), randomBytes(1 + Math.floor(Math.random() * 200_000)));
    client.start(`run ${n}`);
    client.input(input);
    client.parameter('n', n);
    for (let step = 0; step < 20; step++) client.metric('loss', 1 / (step + 1), step);
    const published = await client.publish();
    say(`published ${published.runId} ${input}`);
  }
}

/** Concurrency: `count` events in batches of `batch`, alternating the process's own stream and a shared one, opening the store for each batch. */
async function appendMany(count, batch) {
  const own = `run-p${process.pid}`;
  for (let done = 0, b = 0; done < count; b++) {
    const size = Math.min(batch, count - done);
    const stream = b % 2 === 0 ? own : 'dataset-shared';
    const store = await FsEventStore.open(dir, { lock: { wait: true, timeoutMs: 600_000, retryMs: 5 }, verifyChecksumsOnOpen: false });
    try {
      const events = Array.from({ length: size }, (_, i) => metric(done + i));
      await store.append(stream, events);
      say(`ack ${stream} ${events.map((e) => e.id).join(' ')}`);
    } finally {
      await store.close();
    }
    done += size;
  }
}

/** Contested revisions: for each round r, try to append revision r of one shared stream (expectedRevision r-1). */
async function contest(rounds) {
  for (let r = 0; r < rounds; r++) {
    const store = await FsEventStore.open(dir, { lock: { wait: true, timeoutMs: 600_000, retryMs: 5 }, verifyChecksumsOnOpen: false });
    try {
      const event = metric(r);
      await store.append('model-contested', [event], { expectedRevision: r === 0 ? 'no_stream' : r - 1 });
      say(`won ${r} ${event.id}`);
    } catch (err) {
      if (!(err instanceof WrongExpectedRevisionError)) throw err;
      say(`lost ${r}`);
    } finally {
      await store.close();
    }
  }
}

const commands = {
  'append-loop': appendLoop,
  'run-loop': runLoop,
  'append-many': () => appendMany(Number(args[0]), Number(args[1])),
  contest: () => contest(Number(args[0])),
};
commands[command]().catch((err) => {
  process.stderr.write(`${String(err?.stack ?? err)}\n`);
  process.exit(1);
});

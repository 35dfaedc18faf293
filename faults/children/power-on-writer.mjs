// The first writer after a power-on, in a process started after the cut (as on a real machine,
// where nothing that ran before the power failure is still alive to hold the writer lock).
// Runs the built packages (dist/, made by `tsc -b` in `pnpm test:faults`): Node 20 cannot run TypeScript.
// Usage: node power-on-writer.mjs <dir> <expectedRevision>
// Opens the store (lock takeover, torn-tail cut), prints `opened <ms>`, appends one event to
// run-after-power-on at the expected revision, prints `ack <id>`, closes.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const packages = new URL('../../packages/', import.meta.url);
createRequire(new URL('sdk/package.json', packages))('reflect-metadata');
const { FsEventStore } = await import(new URL('adapters-fs/dist/index.js', packages).href);

const [dir, expected] = process.argv.slice(2);
const say = (line) => void process.stdout.write(`${line}\n`);

try {
  const started = performance.now();
  const store = await FsEventStore.open(dir);
  say(`opened ${(performance.now() - started).toFixed(1)}`);
  const revision = Number(expected);
  const event = { id: randomUUID(), type: 'MetricRecorded', schemaVersion: 1, data: { afterPowerOn: revision + 1 }, meta: {} };
  await store.append('run-after-power-on', [event], { expectedRevision: revision < 0 ? 'no_stream' : revision });
  say(`ack ${event.id}`);
  await store.close();
} catch (err) {
  process.stderr.write(`${String(err?.stack ?? err)}\n`);
  process.exit(1);
}

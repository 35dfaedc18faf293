/**
 * `ds` start (issue 22): `ds --version` and `ds runs` on a store of 10 recorded runs, each
 * timed from spawn to exit, in turns with `node -e 0` (Node's own start, the floor) so the
 * three meet the same machine load: rounds of the three, medians of each.
 * `node bench/run-bundled.mjs cli-start <packages/cli/bundle/ds.cjs> [rounds]`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '@dotscience/core';
import { FsEventStore } from '../packages/adapters-fs/src/event-store/index.js';
import { recordedHistory } from '../packages/core/bench/run-history.js';
import { machineLine, summarise } from '../packages/core/bench/measurement.js';
import { runCommand, timeCommand } from './command-timing.js';

const BENCH = 'ds start: ds --version and ds runs vs node -e 0';
const cli = process.argv[2];
if (!cli) throw new Error('usage: cli-start.bench.mjs <packages/cli/bundle/ds.cjs> [rounds]');
const rounds = Number(process.argv[3] ?? 21);
const RUNS = 10;
const EVENTS_PER_RUN = 30;

const project = mkdtempSync(join(tmpdir(), 'ds-start-bench-'));
try {
  console.log(machineLine());
  const init = JSON.parse(runCommand(process.execPath, [cli, 'init', '--json'], { cwd: project })) as { store: string };
  const store = await FsEventStore.open(join(init.store, 'events'));
  const byStream = new Map<string, NewEvent[]>();
  for (const e of recordedHistory(RUNS * (EVENTS_PER_RUN + 2), EVENTS_PER_RUN)) {
    const list = byStream.get(e.stream) ?? [];
    list.push({ id: e.id, type: e.type, schemaVersion: e.schemaVersion, data: e.data, meta: e.meta } as NewEvent);
    byStream.set(e.stream, list);
  }
  for (const [stream, events] of byStream) await store.append(stream, events);
  await store.close();
  const listed = (JSON.parse(runCommand(process.execPath, [cli, 'runs', '--json'], { cwd: project })) as unknown[]).length;
  if (listed < RUNS) throw new Error(`ds runs listed ${listed} runs, expected ${RUNS}`);
  const commands = [
    { key: 'cli.node-floor', name: '`node -e 0` (Node start alone, the floor; in turns with the two below)', args: ['-e', '0'] },
    { key: 'cli.version', name: '`ds --version` (spawn to exit)', args: [cli, '--version'] },
    { key: 'cli.runs', name: `\`ds runs\` on ${listed} runs (spawn to exit)`, args: [cli, 'runs'] },
  ];
  const times = commands.map(() => [] as number[]);
  for (let round = 0; round <= rounds; round++)
    commands.forEach((command, i) => {
      const ms = timeCommand(process.execPath, command.args, { cwd: project });
      if (round > 0) times[i]!.push(ms); // round 0 warms the page cache
    });
  commands.forEach((command, i) => summarise(BENCH, command.name, 'ms', times[i]!, 1, command.key));
} finally {
  rmSync(project, { recursive: true, force: true });
}

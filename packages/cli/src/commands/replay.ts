import type { Command } from 'commander';
import { datasetsProjection, modelsProjection, replay, runsProjection, type EventStore, type Projection, type ReplayResult } from '@dotscience/sdk';
import { printJson, printText } from '../output/json-output.js';
import { ProgressBar } from '../output/progress-bar.js';
import { loadProjectionModule } from '../replay/projection-module.js';
import { withStoreForReading } from '../store-access.js';

/** "42" is a position; anything else an ISO-8601 time (replay validates it). */
function untilOf(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** The store as replay reads it, counting events for the progress bar. */
function counted(events: EventStore, progress: ProgressBar): EventStore {
  let seen = 0;
  return {
    ...events,
    append: events.append.bind(events),
    readStream: events.readStream.bind(events),
    subscribe: events.subscribe.bind(events),
    close: events.close.bind(events),
    readAll: (options) => ({
      async *[Symbol.asyncIterator]() {
        for await (const e of events.readAll(options)) {
          progress.update(++seen);
          yield e;
        }
      },
    }),
  };
}

interface Replayed {
  projection: string;
  version: number;
  result: ReplayResult<unknown>;
}

function builtInSummary(replayed: readonly Replayed[]): string {
  const [runs, datasets, models] = replayed.map((r) => r.result.state) as [
    Record<string, { status: string }>,
    { datasets: Record<string, { versions: unknown[] }> },
    Record<string, { versions: unknown[] }>,
  ];
  const byStatus = new Map<string, number>();
  for (const run of Object.values(runs)) byStatus.set(run.status, (byStatus.get(run.status) ?? 0) + 1);
  const statusText = [...byStatus].map(([s, n]) => `${n} ${s}`).join(', ');
  const count = (record: Record<string, { versions: unknown[] }>) => Object.values(record).reduce((n, d) => n + d.versions.length, 0);
  return [
    `runs      ${Object.keys(runs).length}${statusText ? ` (${statusText})` : ''}`,
    `datasets  ${Object.keys(datasets.datasets).length} (${count(datasets.datasets)} versions)`,
    `models    ${Object.keys(models).length} (${count(models)} versions)`,
  ].join('\n');
}

/** `ds replay`: rebuild projections from position 0, optionally only up to a position or time (audits). */
export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description('rebuild projections from the log, without checkpoints: the built-in ones, or your own')
    .option('--projection <file>', 'an ES module (.js/.mjs) exporting a projection: { name, version, initial, handlers }')
    .option('--until <position|time>', 'stop after this global position, or at this ISO-8601 time (the log as it stood then)')
    .option('--json', 'print the replayed state as JSON')
    .action(async (options: { projection?: string; until?: string; json?: boolean }, command: Command) => {
      const projections: Array<Projection<unknown>> = options.projection
        ? await loadProjectionModule(options.projection)
        : ([runsProjection, datasetsProjection, modelsProjection] as unknown as Array<Projection<unknown>>);
      const until = untilOf(options.until);
      const replayed = await withStoreForReading(command, async (ds) => {
        const out: Replayed[] = [];
        for (const projection of projections) {
          const progress = new ProgressBar(`replaying ${projection.name}`, undefined, 'events');
          try {
            const result = await replay(counted(ds.events, progress), projection, until === undefined ? {} : { until });
            out.push({ projection: projection.name, version: projection.version, result });
          } finally {
            progress.finish();
          }
        }
        return out;
      });
      if (options.json) {
        const docs = replayed.map(({ projection, version, result }) => ({ projection, version, ...result }));
        return printJson(options.projection && docs.length === 1 ? docs[0] : docs);
      }
      const first = replayed[0]!.result;
      const upTo = first.position === -1 ? 'no events' : `${first.events} events, up to position ${first.position} (recorded ${first.recordedAt})`;
      if (!options.projection) return printText(`replayed ${upTo}\n${builtInSummary(replayed)}`);
      printText(replayed.map(({ projection, result }) => `${projection}: replayed ${upTo}\n${JSON.stringify(result.state, null, 2)}`).join('\n\n'));
    });
}

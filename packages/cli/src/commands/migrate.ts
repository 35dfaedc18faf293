import type { Command } from 'commander';
import { ChainVerifier, DotscienceError, openDotscience, openForReading, type ChainBreak, type Dotscience, type EventStore } from '@dotscience/sdk';
import { printJson, printText } from '../output/json-output.js';
import { ProgressBar } from '../output/progress-bar.js';
import { importEvents, type ImportReport } from '../transfer/event-import.js';
import { ImportChainError } from '../transfer/import-errors.js';
import type { ImportedEvent } from '../transfer/import-plan.js';

/** After the copy, the target store's record is not the source's: its chain breaks, or an event is missing or differs. */
export class MigrationVerifyError extends DotscienceError {
  readonly code = 'MIGRATION_NOT_VERIFIED';
  constructor(
    readonly target: string,
    detail: string,
  ) {
    super(`the migrated record in ${target} does not verify: ${detail} — do not switch to it; run ds migrate again, and report this if it persists`);
  }
}

interface MigrationReport extends ImportReport {
  from: string;
  to: string;
  verified: { events: number; streams: number };
}

/** Every event of the source, in global order, its chains checked as it is read (a broken source is not copied). */
async function readSource(events: EventStore, source: string): Promise<ImportedEvent[]> {
  const verifier = new ChainVerifier();
  const all: ImportedEvent[] = [];
  for await (const event of events.readAll()) {
    const ordinal = all.length + 1;
    const broken = verifier.check(event);
    if (broken) throw new ImportChainError(source, ordinal, broken.stream, broken.revision, broken.message);
    all.push({ line: ordinal, event });
  }
  return all;
}

/** `ds audit verify` on the target, plus: every source event is there with its id and hash at its stream and revision. */
async function verifyTarget(events: EventStore, copied: readonly ImportedEvent[], target: string): Promise<{ events: number; streams: number }> {
  const verifier = new ChainVerifier();
  const wanted = new Map(copied.map(({ event }) => [event.id, event]));
  let found = 0;
  let broken: ChainBreak | undefined;
  for await (const e of events.readAll()) {
    broken = verifier.check(e);
    if (broken) throw new MigrationVerifyError(target, broken.message);
    const source = wanted.get(e.id);
    if (!source) continue;
    if (source.stream !== e.stream || source.revision !== e.revision || source.hash !== e.hash) {
      throw new MigrationVerifyError(
        target,
        `event ${e.id} is stream ${e.stream} revision ${e.revision} here but ${source.stream} revision ${source.revision} in the source`,
      );
    }
    found++;
  }
  if (found !== copied.length) throw new MigrationVerifyError(target, `${copied.length - found} of the source's ${copied.length} events are missing`);
  const verdict = verifier.verdict();
  return { events: verdict.events, streams: verdict.streams };
}

async function closing<T>(ds: Dotscience, use: (ds: Dotscience) => Promise<T>): Promise<T> {
  try {
    return await use(ds);
  } finally {
    await ds.close();
  }
}

/**
 * Copy every stream of store `from` into store `to` (any two store URLs), ids,
 * order and hashes preserved, with the import plan of `ds import`: what the
 * target already holds is skipped, so a migration interrupted midway completes
 * when run again. Ends by verifying the target's audit chain.
 */
export async function migrateStore(from: string, to: string, progress?: ProgressBar): Promise<MigrationReport> {
  const source = `source store ${from}, event`;
  const copied = await closing(await openForReading({ settings: { store: from }, hashWorkers: 1 }), (ds) => readSource(ds.events, source));
  return closing(await openDotscience({ settings: { store: to }, hashWorkers: 1, createStore: true }), async (ds) => {
    const report = await importEvents(ds.events, copied, source, progress);
    progress?.finish();
    const verified = await verifyTarget(ds.events, copied, to);
    return { from, to, ...report, verified };
  });
}

/** `ds migrate --from A --to B`. */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description(
      'copy every stream from one store to another (ids, order and hashes kept; re-run to finish an interrupted migration), then verify the audit chain on the target',
    )
    .requiredOption('--from <url>', 'the store to copy: file:<dir>, http(s)://<hub>, kurrentdb://<host:port>')
    .requiredOption('--to <url>', 'the store to copy into (created if it is a new local store)')
    .option('--json', 'print the counts as JSON')
    .action(async (options: { from: string; to: string; json?: boolean }) => {
      const progress = new ProgressBar('migrating', undefined, 'events');
      const report = await migrateStore(options.from, options.to, progress).finally(() => progress.finish());
      if (options.json) return printJson(report);
      printText(
        [
          `migrated ${report.events} events of ${report.streams} streams from ${report.from} to ${report.to} (${report.imported} copied, ${report.alreadyPresent} already there)`,
          `ok: ${report.verified.events} events in ${report.verified.streams} streams on ${report.to}; every hash chain and run seal verified`,
        ].join('\n'),
      );
    });
}

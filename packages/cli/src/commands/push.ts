import type { Command } from 'commander';
import { pullFromHub, pushToHub, type HubSyncOptions, type SyncProgress, type SyncReport } from '@dotscience/sdk';
import { printJson } from '../output/json-output.js';
import { ProgressBar } from '../output/progress-bar.js';
import { settingsOf } from '../store-access.js';

type Direction = 'push' | 'pull';

const DESCRIPTIONS: Record<Direction | 'sync', string> = {
  push: "copy the local store's events and data the hub lacks to the hub (idempotent; run again after an interruption)",
  pull: "copy the hub's events and data the local store lacks (idempotent; run again after an interruption)",
  sync: 'push, then pull: the local store and the hub end with the same runs, datasets and models',
};

interface SyncCommandOptions {
  hub?: string;
  token?: string;
  json?: boolean;
}

/** A progress bar per phase of one direction, drawn on a terminal only (ProgressBar decides). */
function progressOf(direction: Direction): { onProgress: (p: SyncProgress) => void; finish: () => void } {
  const bars: Partial<Record<SyncProgress['phase'], ProgressBar>> = {};
  return {
    onProgress: (p) => {
      const bar = (bars[p.phase] ??= new ProgressBar(
        p.phase === 'objects' ? `${direction} data` : `${direction} events`,
        p.total,
        p.phase === 'objects' ? 'files' : 'events',
      ));
      bar.update(p.done, p.total);
    },
    finish: () => {
      for (const bar of Object.values(bars)) bar.finish();
    },
  };
}

/** One direction of a sync, with its progress. */
async function runDirection(direction: Direction, options: HubSyncOptions): Promise<SyncReport> {
  const progress = progressOf(direction);
  try {
    return await (direction === 'push' ? pushToHub : pullFromHub)({ ...options, onProgress: progress.onProgress });
  } finally {
    progress.finish();
  }
}

/** The report of one direction on stderr: counts, then every refused stream with its rule and what to do. */
function describe(direction: Direction, report: SyncReport): void {
  const where = direction === 'push' ? 'to the hub' : 'from the hub';
  const settled = report.versionsSettled > 0 ? `; ${report.versionsSettled} local versions numbered by the hub` : '';
  process.stderr.write(
    `${direction}: ${report.eventsCopied} events and ${report.objectsCopied} data objects copied ${where}; ${report.eventsPresent} events were already there${settled}\n`,
  );
  if (report.objectsUnavailable.length > 0)
    process.stderr.write(`${direction}: ${report.objectsUnavailable.length} referenced data objects are not held by the source and were not copied\n`);
  for (const r of report.refused) {
    process.stderr.write(
      `${direction}: REFUSED stream ${r.stream} revision ${r.revision} (${r.type} ${r.id}) breaks rule ${r.rule}: ${r.reason} — it and ${r.leftOut - 1} later events of the stream were not copied; every other stream was\n`,
    );
  }
}

function syncOptions(options: SyncCommandOptions, command: Command): HubSyncOptions {
  return { settings: settingsOf(command), ...(options.hub ? { hub: options.hub } : {}), ...(options.token ? { token: options.token } : {}) };
}

function withHubOptions(command: Command): Command {
  return command
    .option('--hub <url>', 'the hub (default: DOTSCIENCE_HUB or the config file)')
    .option('--token <token>', 'the hub token (default: DOTSCIENCE_TOKEN)')
    .option('--json', 'print the counts as JSON');
}

/** `ds push` / `ds pull`: sync the local store with a hub, with progress on a terminal. */
export function registerHubSyncCommand(program: Command, direction: Direction): void {
  withHubOptions(program.command(direction).description(DESCRIPTIONS[direction])).action(async (options: SyncCommandOptions, command: Command) => {
    const report = await runDirection(direction, syncOptions(options, command));
    // Every stream the other side accepts was copied; a refused one is named, and the command fails.
    if (report.refused.length > 0) process.exitCode = 1;
    if (options.json) return printJson(report);
    describe(direction, report);
  });
}

export function registerPushCommand(program: Command): void {
  registerHubSyncCommand(program, 'push');
}

/** `ds sync`: push, then pull (the pull runs also when the push refused a stream). */
export function registerSyncCommand(program: Command): void {
  withHubOptions(program.command('sync').description(DESCRIPTIONS.sync)).action(async (options: SyncCommandOptions, command: Command) => {
    const push = await runDirection('push', syncOptions(options, command));
    const pull = await runDirection('pull', syncOptions(options, command));
    if (push.refused.length + pull.refused.length > 0) process.exitCode = 1;
    if (options.json) return printJson({ push, pull });
    describe('push', push);
    describe('pull', pull);
  });
}

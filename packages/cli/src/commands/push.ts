import type { Command } from 'commander';
import { pullFromHub, pushToHub, type SyncProgress, type SyncReport } from '@dotscience/sdk';
import { printJson } from '../output/json-output.js';
import { ProgressBar } from '../output/progress-bar.js';
import { settingsOf } from '../store-access.js';

type Direction = 'push' | 'pull';

const DESCRIPTIONS: Record<Direction, string> = {
  push: "copy the local store's events and data the hub lacks to the hub (idempotent; run again after an interruption)",
  pull: "copy the hub's events and data the local store lacks (idempotent; run again after an interruption)",
};

/** `ds push` / `ds pull`: sync the local store with a hub, with progress on a terminal. */
export function registerHubSyncCommand(program: Command, direction: Direction): void {
  program
    .command(direction)
    .description(DESCRIPTIONS[direction])
    .option('--hub <url>', 'the hub (default: DOTSCIENCE_HUB or the config file)')
    .option('--token <token>', 'the hub token (default: DOTSCIENCE_TOKEN)')
    .option('--json', 'print the counts as JSON')
    .action(async (options: { hub?: string; token?: string; json?: boolean }, command: Command) => {
      const bars: Partial<Record<SyncProgress['phase'], ProgressBar>> = {};
      const onProgress = (p: SyncProgress): void => {
        const bar = (bars[p.phase] ??= new ProgressBar(p.phase === 'objects' ? `${direction} data` : `${direction} events`, p.total, p.phase === 'objects' ? 'files' : 'events'));
        bar.update(p.done, p.total);
      };
      const sync = direction === 'push' ? pushToHub : pullFromHub;
      let report: SyncReport;
      try {
        report = await sync({ settings: settingsOf(command), ...(options.hub ? { hub: options.hub } : {}), ...(options.token ? { token: options.token } : {}), onProgress });
      } finally {
        for (const bar of Object.values(bars)) bar.finish();
      }
      // Events the local gate refused were left out: the copy is incomplete, and says why.
      if (report.refused.length > 0) process.exitCode = 1;
      if (options.json) return printJson(report);
      const where = direction === 'push' ? 'to the hub' : 'from the hub';
      process.stderr.write(`${direction}: ${report.eventsCopied} events and ${report.objectsCopied} data objects copied ${where}; ${report.eventsPresent} events were already there\n`);
      if (report.objectsUnavailable.length > 0) process.stderr.write(`${direction}: ${report.objectsUnavailable.length} referenced data objects are not held by the source and were not copied\n`);
      for (const r of report.refused) {
        process.stderr.write(
          `${direction}: REFUSED stream ${r.stream} revision ${r.revision} (${r.type} ${r.id}) breaks rule ${r.rule}: ${r.reason} — it and ${r.leftOut - 1} later events of the stream were not copied; the rest of the store is intact\n`,
        );
      }
    });
}

export function registerPushCommand(program: Command): void {
  registerHubSyncCommand(program, 'push');
}

import type { Command } from 'commander';
import { collectUnreferencedData } from '@dotscience/sdk';
import { printJson, printText } from '../output/json-output.js';
import { byteSize } from '../output/value-text.js';
import { withStoreForWriting } from '../store-access.js';

/** `ds gc`: remove data objects no recorded event refers to. */
export function registerGcCommand(program: Command): void {
  program
    .command('gc')
    .description('delete data objects that no recorded event refers to (takes the writer lock)')
    .option('--dry-run', 'only report what would be deleted')
    .option('--json', 'print the result as JSON')
    .action(async (options: { dryRun?: boolean; json?: boolean }, command: Command) => {
      const report = await withStoreForWriting(command, (ds) => collectUnreferencedData(ds, { dryRun: options.dryRun ?? false }));
      if (options.json) return printJson(report);
      const verb = report.dryRun ? 'would remove' : 'removed';
      printText(
        `${verb} ${report.objectsRemoved} objects (${byteSize(report.bytesFreed)}) and ${report.tempFilesRemoved} stale temp files; kept ${report.objectsKept} objects of ${report.versionsReferenced} referenced versions`,
      );
      const { zfs } = report;
      if (zfs) {
        const pinned =
          zfs.snapshotsPinned.length > 0
            ? `; ${zfs.snapshotsPinned.length} unreferenced snapshots pinned by clones dotscience did not make: ${zfs.snapshotsPinned.join(', ')}`
            : '';
        printText(
          `zfs: ${verb} ${zfs.snapshotsRemoved.length} snapshots and ${zfs.clonesRemoved.length} clones; kept ${zfs.snapshotsKept} snapshots of ${zfs.versionsReferenced} referenced versions${pinned}`,
        );
      }
    });
}

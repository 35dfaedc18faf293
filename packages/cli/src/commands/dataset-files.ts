import type { Command } from 'commander';
import { diffVersionFiles, filesOfVersion, type DatasetsState, type DatasetVersionView, type FileChange } from '@dotscience/sdk';
import { printJson, printText } from '../output/json-output.js';
import { renderTable } from '../output/text-table.js';
import { byteSize, shortDigest } from '../output/value-text.js';
import { datasetsFor } from '../projections/provenance-read-model.js';
import { withStoreForReading } from '../store-access.js';
import { UsageError } from '../usage-error.js';

/** The dataset `name[@version]` names. */
function datasetNameOf(reference: string): string {
  const at = reference.lastIndexOf('@');
  return at === -1 ? reference : reference.slice(0, at);
}

/** The dataset version `name[@version]` names (the latest without @). */
function datasetVersion(state: DatasetsState, reference: string): { name: string; version: DatasetVersionView } {
  const at = reference.lastIndexOf('@');
  const name = datasetNameOf(reference);
  const number = at === -1 ? undefined : reference.slice(at + 1);
  if (number !== undefined && !/^[1-9][0-9]*$/.test(number))
    throw new UsageError(`${JSON.stringify(reference)} is not <dataset> or <dataset>@<version number>`);
  const dataset = Object.hasOwn(state.datasets, name) ? state.datasets[name] : undefined;
  if (!dataset || dataset.versions.length === 0) {
    throw new UsageError(`there is no dataset ${JSON.stringify(name)} (datasets: ${Object.keys(state.datasets).sort().join(', ') || 'none'})`);
  }
  const version = number === undefined ? dataset.versions[dataset.versions.length - 1]! : dataset.versions.find((v) => v.version === Number(number));
  if (!version) throw new UsageError(`dataset ${name} has no version ${number} (versions: ${dataset.versions.map((v) => v.version).join(', ')})`);
  return { name, version };
}

const signOf: Record<FileChange['change'], string> = { added: '+', removed: '-', changed: '~' };

/** `ds ls` and `ds diff`: the files of a dataset version, and what changed between two. */
export function registerDatasetFilesCommands(program: Command): void {
  program
    .command('ls')
    .description('list the files of a dataset version with their sizes and digests, from its manifest')
    .argument('<dataset>', 'name@version (the latest without @)')
    .option('--json', 'print the files as JSON')
    .action(async (reference: string, options: { json?: boolean }, command: Command) => {
      await withStoreForReading(command, async (ds) => {
        const { version } = datasetVersion(await datasetsFor(ds, [datasetNameOf(reference)]), reference);
        const files = await filesOfVersion(ds, version.ref, version.path);
        if (options.json) printJson(files);
        else
          printText(
            renderTable(
              ['PATH', 'SIZE', 'DIGEST'],
              files.map((f) => [f.type === 'symlink' ? `${f.path} (symlink)` : f.path, byteSize(f.size), shortDigest(f.digest)]),
            ),
          );
      });
    });
  program
    .command('diff')
    .description('the files added (+), removed (-) and changed (~) between two dataset versions, with sizes')
    .argument('<from>', 'dataset@version')
    .argument('<to>', 'dataset@version (or just @version of the same dataset)')
    .option('--stat', 'only count what was added, removed and changed')
    .option('--json', 'print the changes as JSON')
    .action(async (from: string, to: string, options: { stat?: boolean; json?: boolean }, command: Command) => {
      await withStoreForReading(command, async (ds) => {
        const toReference = to.startsWith('@') ? `${datasetNameOf(from)}${to}` : to;
        const state = await datasetsFor(ds, [datasetNameOf(from), datasetNameOf(toReference)]);
        const a = datasetVersion(state, from);
        const b = datasetVersion(state, toReference);
        const changes = diffVersionFiles(await filesOfVersion(ds, a.version.ref, a.version.path), await filesOfVersion(ds, b.version.ref, b.version.path));
        const count = (change: FileChange['change']) => changes.filter((c) => c.change === change).length;
        const stat = { added: count('added'), removed: count('removed'), changed: count('changed'), bytesBefore: a.version.bytes, bytesAfter: b.version.bytes };
        if (options.json)
          return printJson(options.stat ? stat : { from: `${a.name}@${a.version.version}`, to: `${b.name}@${b.version.version}`, changes, ...stat });
        const summary = `${stat.added} added, ${stat.removed} removed, ${stat.changed} changed (${byteSize(stat.bytesBefore)} → ${byteSize(stat.bytesAfter)})`;
        if (options.stat || changes.length === 0) return printText(changes.length === 0 ? `no differences; ${summary}` : summary);
        const size = (bytes: number | null) => (bytes === null ? '' : byteSize(bytes));
        printText(
          `${renderTable(
            ['', 'PATH', 'BEFORE', 'AFTER'],
            changes.map((c) => [signOf[c.change], c.path, size(c.before), size(c.after)]),
          )}\n${summary}`,
        );
      });
    });
}

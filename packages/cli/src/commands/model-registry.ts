import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  changeModelRegistry,
  parseModelReference,
  registryWriter,
  resolveModelReference,
  type Dotscience,
  type ModelHistoryEntry,
  type ModelRegistryCommand,
} from '@dotscience/sdk';
import { printJson, printText } from '../output/json-output.js';
import { renderTable } from '../output/text-table.js';
import { byteSize, shortDigest, timeText } from '../output/value-text.js';
import { modelsFor } from '../projections/provenance-read-model.js';
import { scopedProject } from '../runs/run-selection.js';
import { materializeModelVersion, modelTargetIn } from '../serving/model-materialization.js';
import { withStoreForReading, withStoreForWriting } from '../store-access.js';
import { UsageError } from '../usage-error.js';
import { tagArgument } from './tag-argument.js';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** The version number `name@<version|alias>` names now (an alias is looked up in the models projection). */
async function versionNumberOf(ds: Dotscience, reference: string): Promise<{ name: string; version: number }> {
  const ref = parseModelReference(reference);
  if (!ref.selector) throw new UsageError(`name the version: ${reference}@<version> or ${reference}@<alias>`);
  const { model, version } = resolveModelReference(await modelsFor(ds, ref, scopedProject(ds)), ref, scopedProject(ds));
  return { name: model.name, version: version.version };
}

async function record(
  command: Command,
  name: string,
  change: ModelRegistryCommand | ((ds: Dotscience) => Promise<ModelRegistryCommand>),
  done: string,
): Promise<void> {
  await withStoreForWriting(command, async (ds) => {
    const decided = await changeModelRegistry(registryWriter(ds), name, typeof change === 'function' ? await change(ds) : change, scopedProject(ds));
    printText(decided.length === 0 ? `${done} already; nothing recorded` : done);
  });
}

/** One line of `ds models history`: what changed. */
function changeText(entry: ModelHistoryEntry): string {
  const d = entry.data;
  switch (entry.type) {
    case 'ModelVersionCreated':
      return `version ${String(d.version)} created by run ${String(d.producedBy)}`;
    case 'ModelAliasSet':
      return `alias ${String(d.alias)} → version ${String(d.version)}`;
    case 'ModelAliasRemoved':
      return `alias ${String(d.alias)} removed`;
    case 'ModelVersionTagged':
      return d.value === null
        ? `version ${String(d.version)} tag ${String(d.key)} removed`
        : `version ${String(d.version)} tag ${String(d.key)}=${String(d.value)}`;
    default:
      return `${d.version === undefined ? 'model' : `version ${String(d.version)}`} described: ${String(d.description)}`;
  }
}

/** `ds models alias|tag|describe|history|get`: the model registry, each change an event on the model stream. */
export function registerModelRegistryCommands(models: Command): void {
  models
    .command('alias')
    .description('point an alias (champion, staging…) at a version, moving it if it points elsewhere; --remove drops it')
    .argument('<name>', 'the model')
    .argument('<alias>', 'a word starting with a letter')
    .argument('[version]', 'the version number (or another alias) it points at')
    .option('--remove', 'remove the alias')
    .action(async (name: string, alias: string, version: string | undefined, options: { remove?: boolean }, command: Command) => {
      if (options.remove) return record(command, name, { kind: 'removeAlias', alias }, `${name}@${alias} removed`);
      if (version === undefined) throw new UsageError(`name the version the alias points at: ds models alias ${name} ${alias} <version> (or --remove)`);
      await withStoreForWriting(command, async (ds) => {
        const target = await versionNumberOf(ds, `${name}@${version}`);
        const decided = await changeModelRegistry(registryWriter(ds), name, { kind: 'setAlias', alias, version: target.version }, scopedProject(ds));
        printText(`${name}@${alias} → version ${target.version}${decided.length === 0 ? ' already; nothing recorded' : ''}`);
      });
    });
  models
    .command('tag')
    .description('set (key=value) or remove (key=) a tag on a model version')
    .argument('<reference>', 'name@version or name@alias')
    .argument('<tags...>', 'key=value pairs; key= removes the tag')
    .action(async (reference: string, tags: string[], _options: unknown, command: Command) => {
      await withStoreForWriting(command, async (ds) => {
        const { name, version } = await versionNumberOf(ds, reference);
        for (const pair of tags) {
          const { key, value } = tagArgument(pair);
          await changeModelRegistry(registryWriter(ds), name, { kind: 'tagVersion', version, key, value }, scopedProject(ds));
        }
        printText(`${name}@${version} tagged ${tags.join(' ')}`);
      });
    });
  models
    .command('describe')
    .description('set the description of a model (name) or one of its versions (name@version)')
    .argument('<reference>', 'name, name@version or name@alias')
    .argument('<description>', 'the text')
    .action(async (reference: string, description: string, _options: unknown, command: Command) => {
      const ref = parseModelReference(reference);
      await record(
        command,
        ref.name,
        async (ds) =>
          ref.selector ? { kind: 'describe', version: (await versionNumberOf(ds, reference)).version, description } : { kind: 'describe', description },
        `${reference} described`,
      );
    });
  models
    .command('history')
    .description('every change of a model: versions created, aliases set, moved and removed, tags, descriptions — who and when')
    .argument('<name>', 'the model')
    .option('--json', 'print the history as JSON')
    .action(async (name: string, options: { json?: boolean }, command: Command) => {
      await withStoreForReading(command, async (ds) => {
        const { model } = resolveModelReference(await modelsFor(ds, name, scopedProject(ds)), name, scopedProject(ds));
        if (options.json) printJson(model.history);
        else
          printText(
            renderTable(
              ['WHEN', 'WHO', 'CHANGE'],
              model.history.map((h) => [timeText(h.at), h.by ?? '', changeText(h)]),
            ),
          );
      });
    });
  models
    .command('get')
    .description("write a model version's files to a directory, verifying their digest")
    .argument('<reference>', 'name (latest), name@version or name@alias')
    .argument('<dir>', 'where to write the files (must not exist)')
    .action(async (reference: string, dir: string, _options: unknown, command: Command) => {
      await withStoreForWriting(command, async (ds) => {
        const { model, version } = resolveModelReference(await modelsFor(ds, reference, scopedProject(ds)), reference, scopedProject(ds));
        const target = modelTargetIn(resolve(dir), model.name, version);
        if (await exists(target)) throw new UsageError(`${target} exists already: ds models get writes only where nothing is`);
        await materializeModelVersion(ds, model.name, version, target);
        printText(`${model.name}@${version.version} (${byteSize(version.ref.bytes)}, ${shortDigest(version.ref.digest)}, digest verified) → ${target}`);
      });
    });
}

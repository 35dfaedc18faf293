import { Option, type Command } from 'commander';
import {
  parseModelReference,
  resolveModelReference,
  runActivityId,
  toDot,
  toMermaid,
  toProvJson,
  UnknownLineageNodeError,
  type Dotscience,
  type LineageDirection,
  type ProvenanceReadModel,
} from '@dotscience/sdk';
import { printJson, printText } from '../output/json-output.js';
import { lineageText } from '../output/lineage-text.js';
import { provenanceReadModel } from '../projections/provenance-read-model.js';
import { resolveRun, runReadModel } from '../runs/run-read-model.js';
import { withStoreForReading } from '../store-access.js';

/** A node as the user names it: what resolveLineageNode takes, or else a run id prefix. */
async function lineageNode(ds: Dotscience, model: ProvenanceReadModel, ref: string): Promise<string> {
  try {
    return await model.lineageNode(ref);
  } catch (error) {
    if (!(error instanceof UnknownLineageNodeError) || ref.includes('@') || ref.includes(':')) throw error;
    const runs = await runReadModel(ds);
    const { total } = await runs.runIdsStartingWith(ref.trim().toLowerCase(), 1);
    if (total === 0) throw error;
    return runActivityId((await resolveRun(runs, ref)).runId);
  }
}

/** `name@alias` as the model version the alias points at now (`name@<number>`); anything else as given. */
async function withoutAlias(model: ProvenanceReadModel, ref: string): Promise<string> {
  if (!/@[A-Za-z]/.test(ref) || ref.includes(':')) return ref;
  const parsed = parseModelReference(ref);
  const named = await model.model(parsed.name);
  if (named === undefined) return ref;
  const { version } = resolveModelReference({ [named.name]: named }, parsed);
  return `model:${named.name}@${version.version}`;
}

/** The direction the flags ask for: --up, --down, both (the default), or the older --direction. */
function directionOf(options: { up?: boolean; down?: boolean; direction?: LineageDirection }): LineageDirection {
  if (options.up && !options.down) return 'upstream';
  if (options.down && !options.up) return 'downstream';
  return options.up && options.down ? 'both' : (options.direction ?? 'both');
}

/** `ds lineage`: where a dataset version, model version or run came from (and what came of it). */
export function registerLineageCommand(program: Command): void {
  program
    .command('lineage')
    .description('show the provenance of a dataset, model or run: what it was made from, by which runs, and what used it')
    .argument('<node>', 'dataset or model name[@version|@alias] (latest version without @), or a run id / prefix')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'dot', 'mermaid', 'prov-json']).default('text'))
    .option('--up', 'only what it came from (upstream)')
    .option('--down', 'only what came of it: the runs that used it and what they made (downstream)')
    .addOption(
      new Option('--direction <direction>', 'upstream, downstream or both (the default; --up and --down say the same)').choices([
        'upstream',
        'downstream',
        'both',
      ]),
    )
    .option('--json', 'same as --format prov-json')
    .action(async (ref: string, options: { format: string; direction?: LineageDirection; up?: boolean; down?: boolean; json?: boolean }, command: Command) => {
      await withStoreForReading(command, async (ds) => {
        const model = await provenanceReadModel(ds);
        const node = await lineageNode(ds, model, await withoutAlias(model, ref));
        const direction = directionOf(options);
        const sub = await model.lineage(node, direction);
        const format = options.json ? 'prov-json' : options.format;
        if (format === 'prov-json') printJson(toProvJson(sub));
        else if (format === 'dot') printText(toDot(sub, `lineage of ${node}`));
        else if (format === 'mermaid') printText(toMermaid(sub));
        else printText(lineageText(sub, node, direction, await (await runReadModel(ds)).distinctPrefixLength()));
      });
    });
}

import { Option, type Command } from 'commander';
import {
  lineageOf,
  modelsProjection,
  parseModelReference,
  provenanceProjection,
  resolveModelReference,
  resolveLineageNode,
  runActivityId,
  toDot,
  toMermaid,
  toProvJson,
  UnknownLineageNodeError,
  type Dotscience,
  type LineageDirection,
  type ProvenanceGraph,
} from '@dotscience/sdk';
import { printJson, printText } from '../output/json-output.js';
import { lineageText } from '../output/lineage-text.js';
import { currentState } from '../projections/current-state.js';
import { distinctPrefixLength, resolveRunId } from '../runs/run-reference.js';
import { withStoreForReading } from '../store-access.js';

/** A node as the user names it: what resolveLineageNode takes, or else a run id prefix. */
function lineageNode(graph: ProvenanceGraph, ref: string): string {
  try {
    return resolveLineageNode(graph, ref);
  } catch (error) {
    if (!(error instanceof UnknownLineageNodeError) || ref.includes('@') || ref.includes(':')) throw error;
    const runIds = Object.values(graph.activities).map((a) => a.runId);
    if (!runIds.some((id) => id.startsWith(ref.toLowerCase()))) throw error;
    return runActivityId(resolveRunId(runIds, ref));
  }
}

/** `name@alias` as the model version the alias points at now (`name@<number>`); anything else as given. */
async function withoutAlias(ds: Dotscience, ref: string): Promise<string> {
  if (!/@[A-Za-z]/.test(ref) || ref.includes(':')) return ref;
  const models = await currentState(ds, modelsProjection);
  const parsed = parseModelReference(ref);
  if (!Object.hasOwn(models, parsed.name)) return ref;
  const { model, version } = resolveModelReference(models, parsed);
  return `model:${model.name}@${version.version}`;
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
        const { graph } = await currentState(ds, provenanceProjection);
        const node = lineageNode(graph, await withoutAlias(ds, ref));
        const direction = directionOf(options);
        const sub = lineageOf(graph, node, direction);
        const format = options.json ? 'prov-json' : options.format;
        if (format === 'prov-json') printJson(toProvJson(sub));
        else if (format === 'dot') printText(toDot(sub, `lineage of ${node}`));
        else if (format === 'mermaid') printText(toMermaid(sub));
        else printText(lineageText(sub, node, direction, distinctPrefixLength(Object.values(graph.activities).map((a) => a.runId))));
      });
    });
}

import { Option, type Command } from 'commander';
import {
  lineageOf,
  provenanceProjection,
  resolveLineageNode,
  runActivityId,
  toDot,
  toMermaid,
  toProvJson,
  UnknownLineageNodeError,
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

/** `ds lineage`: where a dataset version, model version or run came from (and what came of it). */
export function registerLineageCommand(program: Command): void {
  program
    .command('lineage')
    .description('show the provenance of a dataset, model or run: what it was made from, by which runs')
    .argument('<node>', 'dataset or model name[@version] (latest version without @), or a run id / prefix')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'dot', 'mermaid', 'prov-json']).default('text'))
    .addOption(new Option('--direction <direction>', 'upstream: what it came from; downstream: what came of it').choices(['upstream', 'downstream', 'both']).default('upstream'))
    .option('--json', 'same as --format prov-json')
    .action(async (ref: string, options: { format: string; direction: LineageDirection; json?: boolean }, command: Command) => {
      await withStoreForReading(command, async (ds) => {
        const { graph } = await currentState(ds, provenanceProjection);
        const node = lineageNode(graph, ref);
        const sub = lineageOf(graph, node, options.direction);
        const format = options.json ? 'prov-json' : options.format;
        if (format === 'prov-json') printJson(toProvJson(sub));
        else if (format === 'dot') printText(toDot(sub, `lineage of ${node}`));
        else if (format === 'mermaid') printText(toMermaid(sub));
        else printText(lineageText(sub, node, options.direction, distinctPrefixLength(Object.values(graph.activities).map((a) => a.runId))));
      });
    });
}

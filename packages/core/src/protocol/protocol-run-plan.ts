import { normalizeDataPath } from '../application/data-paths.js';
import type { PlannedModel } from '../application/publication-plan.js';
import type { RunMode } from '../application/session-errors.js';
import { withoutUndefined } from '../run/json-payload.js';
import type { RunCommandInput } from '../run/run-commands.js';
import { modelsFromArtefactLabels } from './artefact-labels.js';
import { protocolTimestampToIso } from './protocol-timestamp.js';
import { RUN_BLOCK_KEYS, blockMetricPoints, type RunBlock } from './run-block.js';

/**
 * What one run block asks to be recorded, in the terms of the run commands.
 * The caller (the `ds run` runner) does the I/O: it starts a run (code version
 * and environment from its ports, `startedAt` from here when present),
 * captures `inputs` through the data store relative to the command's working
 * directory and declares them, records `protocolRunCommands(plan)`, plans
 * `outputs` and `models` for publication, and publishes (`endedAt`).
 */
export interface ProtocolRunPlan {
  /** The id on the block's markers (a fresh UUID per publish in the library). */
  runId: string;
  /** `script` when the block names its workload file, else `interactive` (the library omits it in interactive mode). */
  mode: RunMode;
  /** The workload file, as printed. */
  script?: string;
  /** The Python that printed the block (our client's `interpreter`): the environment a notebook's run ran in. */
  interpreter?: string;
  /** ISO-8601 UTC with milliseconds (microseconds truncated). */
  startedAt?: string;
  endedAt?: string;
  description?: string;
  error?: string;
  /** Values stay the strings the library printed; queries compare numeric strings as numbers. */
  parameters: Record<string, string>;
  summary: Record<string, string>;
  labels: Record<string, string>;
  /** Metric points of a version "2" block, in the order recorded (`at` as ISO-8601 UTC); none for version "1". */
  metrics: Array<{ name: string; value: number; step?: number; at: string }>;
  /** Normalized relative paths, each once, in block order. */
  inputs: string[];
  outputs: string[];
  /** Models the library declared with `ds.model()` (its `artefact:<name>` labels, which stay labels too). */
  models: PlannedModel[];
  /** Keys of the block this version does not know; they were not recorded. */
  ignoredKeys: string[];
}

const distinctPaths = (paths: readonly string[]): string[] => [...new Set(paths.map(normalizeDataPath))];

/** Translate a parsed block into a run plan. Pure; the block must come from RunBlockSchema (parseRunBlock or the stream parser). */
export function planProtocolRun(runId: string, block: RunBlock): ProtocolRunPlan {
  const script = block['workload-file'];
  return withoutUndefined({
    runId,
    mode: script === undefined ? 'interactive' : 'script',
    script,
    interpreter: block.interpreter,
    startedAt: block.start === undefined ? undefined : protocolTimestampToIso(block.start),
    endedAt: block.end === undefined ? undefined : protocolTimestampToIso(block.end),
    description: block.description,
    error: block.error,
    parameters: block.parameters,
    summary: block.summary,
    labels: block.labels,
    metrics: blockMetricPoints(block).map((p) => withoutUndefined({ name: p.name, value: p.value, step: p.step, at: protocolTimestampToIso(p.at)! })),
    inputs: distinctPaths(block.input),
    outputs: distinctPaths(block.output),
    models: modelsFromArtefactLabels(block.labels),
    ignoredKeys: Object.keys(block).filter((key) => !RUN_BLOCK_KEYS.has(key) || (key === 'metrics' && block.version === '1')),
  });
}

/**
 * The annotations of a plan as run commands, in the order an SDK script would
 * make them: description, parameters, metric points, summaries, labels, then the error.
 * Inputs, outputs, models, start and publish need I/O and are left to the caller.
 */
export function protocolRunCommands(plan: ProtocolRunPlan): RunCommandInput[] {
  const commands: RunCommandInput[] = [];
  if (plan.description !== undefined) commands.push({ kind: 'describe', description: plan.description });
  for (const [name, value] of Object.entries(plan.parameters)) commands.push({ kind: 'recordParameter', name, value });
  for (const point of plan.metrics) commands.push({ kind: 'recordMetric', ...point });
  for (const [name, value] of Object.entries(plan.summary)) commands.push({ kind: 'recordSummary', name, value });
  for (const [name, value] of Object.entries(plan.labels)) commands.push({ kind: 'addLabel', name, value });
  if (plan.error !== undefined) commands.push({ kind: 'error', message: plan.error });
  return commands;
}

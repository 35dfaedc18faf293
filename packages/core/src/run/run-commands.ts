import { z } from 'zod';
import {
  MetricsRecordedFieldsSchema,
  checkMetricBatch,
  DataDeclaredSchema,
  LabelAddedSchema,
  MetricRecordedSchema,
  ModelDeclaredSchema,
  ParameterRecordedSchema,
  RunDescribedSchema,
  RunErroredSchema,
  RunPublishedSchema,
  RunStartedSchema,
  SummaryRecordedSchema,
} from '../events/catalogue.js';
import { RunAbandonedSchema } from '../events/run-context-schemas.js';
import { parseInput } from '../errors/parse-input.js';
import { isPlainMetricCommand } from './fast/metric-command.js';

/**
 * The commands of the run lifecycle, one per run-stream event of the catalogue.
 * Their fields are the event's payload (the run id comes from the run's state).
 * Every command is parsed with these schemas before a rule looks at it, so a
 * bad payload becomes an InvalidInputError naming the field, and nothing is decided.
 */
export const RunCommandSchema = z.discriminatedUnion('kind', [
  RunStartedSchema.omit({ runId: true }).extend({ kind: z.literal('start') }),
  RunDescribedSchema.extend({ kind: z.literal('describe') }),
  DataDeclaredSchema.extend({ kind: z.literal('declareInput') }),
  DataDeclaredSchema.extend({ kind: z.literal('declareOutput') }),
  ParameterRecordedSchema.extend({ kind: z.literal('recordParameter') }),
  MetricRecordedSchema.extend({ kind: z.literal('recordMetric') }),
  MetricsRecordedFieldsSchema.extend({ kind: z.literal('recordMetrics') }).superRefine(checkMetricBatch),
  SummaryRecordedSchema.extend({ kind: z.literal('recordSummary') }),
  LabelAddedSchema.extend({ kind: z.literal('addLabel') }),
  ModelDeclaredSchema.extend({ kind: z.literal('declareModel') }),
  RunErroredSchema.extend({ kind: z.literal('error') }),
  RunAbandonedSchema.extend({ kind: z.literal('abandon') }),
  RunPublishedSchema.extend({
    kind: z.literal('publish'),
    headHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be the sha256 hex hash of the run stream’s last event'),
  }),
]);

export type RunCommand = z.infer<typeof RunCommandSchema>;
export type RunCommandKind = RunCommand['kind'];
export type RunCommandOf<K extends RunCommandKind> = Extract<RunCommand, { kind: K }>;

/** A RunCommand as a caller writes it (optional fields may be left out). */
export type RunCommandInput = z.input<typeof RunCommandSchema>;

/**
 * Parse a command for run `runId`; throws InvalidInputError naming each bad field. A plain
 * metric command (fast/metric-command.ts) is taken as it is, without building a zod result.
 */
export function parseRunCommand(runId: string, command: unknown): RunCommand {
  if (typeof command === 'object' && command !== null) {
    const c = command as Record<string, unknown>;
    if (isPlainMetricCommand(c)) return c as RunCommand;
    const kind = typeof c.kind === 'string' ? c.kind : 'unknown';
    return parseInput(RunCommandSchema, command, `${kind} command for run ${runId}`);
  }
  return parseInput(RunCommandSchema, command, `command for run ${runId}`);
}

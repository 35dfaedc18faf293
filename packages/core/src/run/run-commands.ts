import { z } from 'zod';
import {
  MAX_METRIC_BATCH_POINTS,
  MetricsRecordedFieldsSchema,
  checkMetricBatch,
  metricBatchIssues,
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
import { TimestampSchema } from '../events/json.js';
import { parseInput } from '../errors/parse-input.js';

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

const MAX_NAME = 1024;

/**
 * The hot path: a metric with a plain finite number, a valid step and timestamp
 * is accepted without building a zod result. The check is strictly narrower than
 * the schema, so anything it does not accept goes through the schema, which either
 * accepts it or says which field is wrong.
 */
function isPlainNumericMetric(c: Record<string, unknown>): c is RunCommandOf<'recordMetric'> {
  const { name, value, step, at } = c;
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    name.length <= MAX_NAME &&
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (step === undefined || (Number.isSafeInteger(step) && (step as number) >= 0)) &&
    typeof at === 'string' &&
    TimestampSchema.safeParse(at).success
  );
}

const isStep = (s: unknown): boolean => s === null || (Number.isSafeInteger(s) && (s as number) >= 0);

/**
 * The hot path of a batch: columns of plain finite numbers (values, steps,
 * time deltas) are checked in one pass each, without zod. Like
 * isPlainNumericMetric it is strictly narrower than the schema: a batch with
 * JSON values, or anything it does not accept, goes through the schema.
 */
function isPlainNumericBatch(c: Record<string, unknown>): c is RunCommandOf<'recordMetrics'> {
  const { series } = c;
  if (!Array.isArray(series) || series.length === 0) return false;
  let points = 0;
  for (const s of series as unknown[]) {
    if (typeof s !== 'object' || s === null) return false;
    const { name, values, steps, at } = s as Record<string, unknown>;
    if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME) return false;
    if (!Array.isArray(values) || values.length === 0) return false;
    for (let i = 0; i < values.length; i++) if (typeof values[i] !== 'number' || !Number.isFinite(values[i])) return false;
    if (steps !== undefined) {
      if (!Array.isArray(steps)) return false;
      for (let i = 0; i < steps.length; i++) if (!isStep(steps[i])) return false;
    }
    if (typeof at !== 'object' || at === null) return false;
    const { start, deltasMs } = at as Record<string, unknown>;
    if (typeof start !== 'string' || !TimestampSchema.safeParse(start).success || !Array.isArray(deltasMs)) return false;
    for (let i = 0; i < deltasMs.length; i++) if (!Number.isSafeInteger(deltasMs[i])) return false;
    points += values.length;
    if (points > MAX_METRIC_BATCH_POINTS) return false;
  }
  return metricBatchIssues(c as RunCommandOf<'recordMetrics'>).length === 0;
}

/** Parse a command for run `runId`; throws InvalidInputError naming each bad field. */
export function parseRunCommand(runId: string, command: unknown): RunCommand {
  if (typeof command === 'object' && command !== null) {
    const c = command as Record<string, unknown>;
    if (c.kind === 'recordMetric' && isPlainNumericMetric(c)) return c;
    if (c.kind === 'recordMetrics' && isPlainNumericBatch(c)) return c;
    const kind = typeof c.kind === 'string' ? c.kind : 'unknown';
    return parseInput(RunCommandSchema, command, `${kind} command for run ${runId}`);
  }
  return parseInput(RunCommandSchema, command, `command for run ${runId}`);
}

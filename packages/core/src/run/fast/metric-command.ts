import { MAX_METRIC_BATCH_POINTS, metricBatchIssues } from '../../events/catalogue.js';
import { TimestampSchema } from '../../events/json.js';

/**
 * Whether `command` is a `recordMetric` or `recordMetrics` command that RunCommandSchema
 * plainly accepts as it is: a metric with a finite number, a valid step and timestamp, or a
 * batch of columns of finite numbers, steps and time deltas within the batch's limits. Such
 * a command (nearly every command of a training run) needs no zod result: the schema would
 * return an equal object. The check is strictly narrower than the schema, so anything it
 * does not accept goes through the schema, which accepts it or names the wrong field.
 * Checked against the schema by test/run/fast/metric-command.property.test.ts.
 */
export function isPlainMetricCommand(command: Record<string, unknown>): boolean {
  if (command.kind === 'recordMetric') return isPlainNumericMetric(command);
  if (command.kind === 'recordMetrics') return isPlainNumericBatch(command);
  return false;
}

/** The catalogue's `name`: 1 to 1,024 UTF-16 code units. */
const MAX_NAME = 1024;

const isName = (name: unknown): boolean => typeof name === 'string' && name.length > 0 && name.length <= MAX_NAME;
const isTimestamp = (at: unknown): boolean => typeof at === 'string' && TimestampSchema.safeParse(at).success;
const isStep = (s: unknown): boolean => Number.isSafeInteger(s) && (s as number) >= 0;

function isPlainNumericMetric(c: Record<string, unknown>): boolean {
  const { name, value, step, at } = c;
  return isName(name) && typeof value === 'number' && Number.isFinite(value) && (step === undefined || isStep(step)) && isTimestamp(at);
}

function isPlainNumericBatch(c: Record<string, unknown>): boolean {
  const { series } = c;
  if (!Array.isArray(series) || series.length === 0) return false;
  let points = 0;
  for (const s of series as unknown[]) {
    if (typeof s !== 'object' || s === null) return false;
    const { name, values, steps, at } = s as Record<string, unknown>;
    if (!isName(name)) return false;
    if (!Array.isArray(values) || values.length === 0) return false;
    for (let i = 0; i < values.length; i++) if (typeof values[i] !== 'number' || !Number.isFinite(values[i])) return false;
    if (steps !== undefined) {
      if (!Array.isArray(steps)) return false;
      for (let i = 0; i < steps.length; i++) if (steps[i] !== null && !isStep(steps[i])) return false;
    }
    if (typeof at !== 'object' || at === null) return false;
    const { start, deltasMs } = at as Record<string, unknown>;
    if (!isTimestamp(start) || !Array.isArray(deltasMs)) return false;
    for (let i = 0; i < deltasMs.length; i++) if (!Number.isSafeInteger(deltasMs[i])) return false;
    points += values.length;
    if (points > MAX_METRIC_BATCH_POINTS) return false;
  }
  return metricBatchIssues(c as unknown as Parameters<typeof metricBatchIssues>[0]).length === 0;
}

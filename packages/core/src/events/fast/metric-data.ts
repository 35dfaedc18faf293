import { metricBatchIssues, type EventData } from '../catalogue.js';
import { TIMESTAMP_PATTERN } from '../json.js';

/**
 * The data of a MetricRecorded or MetricsRecorded event (nearly every event of a training
 * run's history) checked and copied without zod, as their schemas would: the same output
 * (a new object with the schema's keys in the schema's order, arrays copied) for what it
 * accepts. It accepts only what it is sure of: plain objects holding only the schema's keys,
 * a metric value that is a finite number, a string, a boolean or null, columns of finite
 * numbers. For anything else (another type, a key it does not know or one set to undefined,
 * a nested value, any rule broken) it answers undefined and the caller asks zod, which
 * gives the verdict and names what is wrong. Reading a run's history is mostly this check,
 * and zod's is several times slower. Checked against the schemas by
 * test/events/metric-data-fast-path.test.ts.
 */
export function plainlyValidMetricData(type: string, data: unknown): EventData<'MetricRecorded'> | EventData<'MetricsRecorded'> | undefined {
  if (type === 'MetricRecorded') return metricRecorded(data);
  if (type === 'MetricsRecorded') return metricsRecorded(data);
  return undefined;
}

function metricRecorded(data: unknown): EventData<'MetricRecorded'> | undefined {
  if (!plainObjectWithOnly(data, METRIC_KEYS)) return undefined;
  const { name, value, step, at } = data;
  if (!isName(name) || !isPrimitiveJson(value) || !isTimestamp(at)) return undefined;
  if (step === undefined) return 'step' in data ? undefined : { name, value, at };
  if (!isStep(step)) return undefined;
  return { name, value, step, at };
}

function metricsRecorded(data: unknown): EventData<'MetricsRecorded'> | undefined {
  if (!plainObjectWithOnly(data, BATCH_KEYS)) return undefined;
  const { series } = data;
  if (!Array.isArray(series) || series.length === 0) return undefined;
  const copied: EventData<'MetricsRecorded'>['series'] = new Array(series.length);
  for (let i = 0; i < series.length; i++) {
    const s: unknown = series[i];
    if (!plainObjectWithOnly(s, SERIES_KEYS)) return undefined;
    const { name, values, steps, at } = s;
    if (!isName(name) || !Array.isArray(values) || values.length === 0 || !every(values, isFiniteNumber)) return undefined;
    if (!plainObjectWithOnly(at, TIME_KEYS)) return undefined;
    const { start, deltasMs } = at;
    if (!isTimestamp(start) || !Array.isArray(deltasMs) || !every(deltasMs, Number.isSafeInteger)) return undefined;
    const time = { start, deltasMs: deltasMs.slice() as number[] };
    if (steps === undefined) {
      if ('steps' in s) return undefined;
      copied[i] = { name, values: values.slice() as number[], at: time };
    } else {
      if (!Array.isArray(steps) || !every(steps, isStepOrNull)) return undefined;
      copied[i] = { name, values: values.slice() as number[], steps: steps.slice() as Array<number | null>, at: time };
    }
  }
  const batch = { series: copied };
  return metricBatchIssues(batch).length === 0 ? batch : undefined;
}

const METRIC_KEYS = new Set(['name', 'value', 'step', 'at']);
const BATCH_KEYS = new Set(['series']);
const SERIES_KEYS = new Set(['name', 'values', 'steps', 'at']);
const TIME_KEYS = new Set(['start', 'deltasMs']);
/** The catalogue's `name`: 1 to 1,024 UTF-16 code units. */
const MAX_NAME_LENGTH = 1024;

/** A plain object (from JSON.parse or an object literal) whose enumerable keys are all in `keys`. */
function plainObjectWithOnly(value: unknown, keys: ReadonlySet<string>): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) if (!keys.has(key)) return false;
  return true;
}

function every(values: readonly unknown[], check: (v: unknown) => boolean): boolean {
  for (let i = 0; i < values.length; i++) if (!check(values[i])) return false;
  return true;
}

const isName = (v: unknown): v is string => typeof v === 'string' && v.length >= 1 && v.length <= MAX_NAME_LENGTH;
const isTimestamp = (v: unknown): v is string => typeof v === 'string' && TIMESTAMP_PATTERN.test(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isPrimitiveJson = (v: unknown): v is string | number | boolean | null =>
  v === null || typeof v === 'string' || typeof v === 'boolean' || isFiniteNumber(v);
/** zod's `z.number().int().nonnegative()`: a safe integer ≥ 0. */
const isStep = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isStepOrNull = (v: unknown): boolean => v === null || isStep(v);

import { type JsonValue, type RunView } from '@dotscience/core';
import {
  ATTRIBUTE_NAMES,
  DATA_PROPERTIES,
  MODEL_PROPERTIES,
  asInstant,
  asNumber,
  asText,
  fieldAccess,
  present,
  type Domain,
  type FieldRef,
  type MetricAggregateName,
} from '@dotscience/core/store-kit';

/**
 * A run's queryable values as rows of `run_fields` (one row per value; inputs,
 * outputs and models give one row per item). The values are read with the
 * query language's own accessors (`fieldAccess`), so the SQL sees exactly what
 * the closure evaluator sees.
 */
export interface FieldRow {
  field: string;
  /** The value as a number where its domain compares numbers: recorded values (numeric strings too) and times (epoch ms). */
  num: number | null;
  /** The value as text (lowercased for status / mode / kind, which compare case-insensitively). */
  txt: string;
  json: string;
}

const SCOPE_KEYS: Record<FieldRef['scope'], string> = {
  params: 'p',
  labels: 'l',
  summary: 's',
  metrics: 'm',
  attributes: 'a',
  inputs: 'i',
  outputs: 'o',
  models: 'mo',
};

/** The `run_fields.field` of a field: its scope (and metric aggregate) then its key, e.g. `m.max:loss`, `p:depth`. */
export function fieldKey(field: FieldRef): string {
  const scope = field.scope === 'metrics' ? `m.${field.aggregate}` : SCOPE_KEYS[field.scope];
  return `${scope}:${field.key}`;
}

/** The number a value sorts and compares as in its domain, if any. */
export function numberIn(domain: Domain, value: JsonValue): number | null {
  if (domain === 'json') return asNumber(value) ?? null;
  if (domain === 'time') return asInstant(value) ?? null;
  return null;
}

/** The text a value sorts and compares as in its domain. */
export function textIn(domain: Domain, value: JsonValue): string {
  return domain === 'enum' ? asText(value).toLowerCase() : asText(value);
}

const AGGREGATES: readonly MetricAggregateName[] = ['last', 'min', 'max', 'count'];

function fieldsOf(run: RunView): FieldRef[] {
  const fields: FieldRef[] = [];
  for (const key of Object.keys(run.parameters)) fields.push({ scope: 'params', key });
  for (const key of Object.keys(run.labels)) fields.push({ scope: 'labels', key });
  for (const key of Object.keys(run.summary)) fields.push({ scope: 'summary', key });
  for (const key of Object.keys(run.metrics)) for (const aggregate of AGGREGATES) fields.push({ scope: 'metrics', key, aggregate });
  for (const key of ATTRIBUTE_NAMES) fields.push({ scope: 'attributes', key });
  if (run.inputs.length > 0) for (const key of DATA_PROPERTIES) fields.push({ scope: 'inputs', key });
  if (run.outputs.length > 0) for (const key of DATA_PROPERTIES) fields.push({ scope: 'outputs', key });
  if (run.models.length > 0) for (const key of MODEL_PROPERTIES) fields.push({ scope: 'models', key });
  return fields;
}

/** Every present value of every field of the run, as rows. Missing and JSON-null values have no row (they match no comparison). */
export function fieldRowsOf(run: RunView): FieldRow[] {
  const rows: FieldRow[] = [];
  for (const field of fieldsOf(run)) {
    const { exists, domain } = fieldAccess(field);
    const key = fieldKey(field);
    exists(run, (value) => {
      if (present(value)) rows.push({ field: key, num: numberIn(domain, value), txt: textIn(domain, value), json: JSON.stringify(value) });
      return false;
    });
  }
  return rows;
}

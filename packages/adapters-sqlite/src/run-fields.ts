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
} from '@dotscience/core/store-kit';
import { ITEM_PROPERTIES, METRIC_AGGREGATE_COLUMNS, attributeColumn } from './read-model-schema.js';

/**
 * A run's queryable values as the read model's rows (read-model-schema.ts). The
 * values are read with the query language's own accessors (`fieldAccess`), so
 * the SQL sees exactly what the closure evaluator sees.
 */

/** One value as its three columns: the number it compares as, the text it compares as, the value as JSON; all null when the run has none. */
export type ValueCells = [num: number | null, txt: string | null, json: string | null];

const NONE: ValueCells = [null, null, null];

/** A row of run_fields: a parameter, label or summary value. */
export interface FieldRow {
  field: string;
  cells: ValueCells;
}

/** A row of run_metrics: a metric's last, min and max values and its count. */
export interface MetricRow {
  name: string;
  cells: ValueCells[];
  count: number;
}

/** A row of run_items: one input, output or model, its properties in ITEM_PROPERTIES order. */
export interface ItemRow {
  scope: ItemScope;
  cells: ValueCells[];
}

type ItemScope = 'i' | 'o' | 'mo';
const ITEM_SCOPES = { inputs: 'i', outputs: 'o', models: 'mo' } as const satisfies Record<string, ItemScope>;

const FIELD_SCOPES = { params: 'p', labels: 'l', summary: 's' } as const;

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

/** Each field's accessor, made once per field (a build asks for the same few fields for every run). */
const accessors = new Map<string, ReturnType<typeof fieldAccess>>();
function accessOf(field: FieldRef): ReturnType<typeof fieldAccess> {
  const key = `${field.scope}\u0000${field.key}\u0000${field.scope === 'metrics' ? field.aggregate : ''}`;
  let access = accessors.get(key);
  if (access === undefined) accessors.set(key, (access = fieldAccess(field)));
  return access;
}

/** The cells of the one value of `field` in `run` (a single-valued field), or of none. */
function cellsOf(field: FieldRef, run: RunView): ValueCells {
  const { exists, domain } = accessOf(field);
  let cells = NONE;
  exists(run, (value) => {
    if (present(value)) cells = [numberIn(domain, value), textIn(domain, value), JSON.stringify(value)];
    return true;
  });
  return cells;
}

/** Each attribute's cells, in ATTRIBUTE_NAMES order (the `a_<name>` columns of runs). */
export function attributeCellsOf(run: RunView): ValueCells[] {
  return ATTRIBUTE_NAMES.map((key) => cellsOf({ scope: 'attributes', key }, run));
}

export function fieldRowsOf(run: RunView): FieldRow[] {
  const rows: FieldRow[] = [];
  const add = (scope: keyof typeof FIELD_SCOPES, keys: string[]): void => {
    for (const key of keys) {
      const cells = cellsOf({ scope, key }, run);
      if (cells[2] !== null) rows.push({ field: `${FIELD_SCOPES[scope]}:${key}`, cells });
    }
  };
  add('params', Object.keys(run.parameters));
  add('labels', Object.keys(run.labels));
  add('summary', Object.keys(run.summary));
  return rows;
}

export function metricRowsOf(run: RunView): MetricRow[] {
  return Object.keys(run.metrics).map((key) => ({
    name: key,
    cells: METRIC_AGGREGATE_COLUMNS.map((aggregate) => cellsOf({ scope: 'metrics', key, aggregate }, run)),
    count: (cellsOf({ scope: 'metrics', key, aggregate: 'count' }, run)[0] as number | null) ?? 0,
  }));
}

/** Each input, output and model as a row, its properties read as the query language reads them from a run holding that item alone. */
export function itemRowsOf(run: RunView): ItemRow[] {
  const rows: ItemRow[] = [];
  const add = (scope: 'inputs' | 'outputs' | 'models', properties: readonly string[], alone: (index: number) => RunView, items: number): void => {
    for (let i = 0; i < items; i++) {
      const one = alone(i);
      rows.push({
        scope: ITEM_SCOPES[scope],
        cells: ITEM_PROPERTIES.map((key) => (properties.includes(key) ? cellsOf({ scope, key } as FieldRef, one) : NONE)),
      });
    }
  };
  add('inputs', DATA_PROPERTIES, (i) => ({ ...run, inputs: [run.inputs[i]!] }), run.inputs.length);
  add('outputs', DATA_PROPERTIES, (i) => ({ ...run, outputs: [run.outputs[i]!] }), run.outputs.length);
  add('models', MODEL_PROPERTIES, (i) => ({ ...run, models: [run.models[i]!] }), run.models.length);
  return rows;
}

/** Where a field's values are: columns of `runs r`, or rows of a table (a subquery per predicate, a join per order key). */
export interface FieldSource {
  /** The table, its key column and key, e.g. run_fields / field / `p:depth`; undefined for a column of runs. */
  rows?: { table: string; keyColumn: string; key: string };
  /** The value's columns on the row aliased `alias` (`r` for runs). */
  columns: (alias: string) => { num: string; txt: string; json: string };
}

const columnsNamed =
  (name: string) =>
  (alias: string): ReturnType<FieldSource['columns']> => ({ num: `${alias}.${name}_num`, txt: `${alias}.${name}_txt`, json: `${alias}.${name}_json` });

/** Where the read model keeps a field's values. */
export function fieldSource(field: FieldRef): FieldSource {
  switch (field.scope) {
    case 'params':
    case 'labels':
    case 'summary':
      return {
        rows: { table: 'run_fields', keyColumn: 'field', key: `${FIELD_SCOPES[field.scope]}:${field.key}` },
        columns: (alias) => ({ num: `${alias}.num`, txt: `${alias}.txt`, json: `${alias}.json` }),
      };
    case 'metrics': {
      const rows = { table: 'run_metrics', keyColumn: 'name', key: field.key };
      if (field.aggregate !== 'count') return { rows, columns: columnsNamed(field.aggregate) };
      return { rows, columns: (alias) => ({ num: `${alias}.count`, txt: `CAST(${alias}.count AS TEXT)`, json: `CAST(${alias}.count AS TEXT)` }) };
    }
    case 'attributes':
      return { columns: columnsNamed(attributeColumn(field.key)) };
    case 'inputs':
    case 'outputs':
    case 'models':
      return { rows: { table: 'run_items', keyColumn: 'scope', key: ITEM_SCOPES[field.scope] }, columns: columnsNamed(field.key) };
  }
}

import type { JsonValue, RunView } from '@dotscience/core';
import { canonicalJson } from '@dotscience/core';

export interface ParameterComparison {
  name: string;
  /** One per run, in the order given; null where the run has no such parameter. */
  values: Array<JsonValue | null>;
  differs: boolean;
}

export interface MetricComparison {
  name: string;
  last: Array<JsonValue | null>;
  min: Array<number | null>;
  max: Array<number | null>;
  differs: boolean;
}

export interface RunComparison {
  runs: string[];
  parameters: ParameterComparison[];
  metrics: MetricComparison[];
}

const same = (values: ReadonlyArray<JsonValue | null>): boolean => new Set(values.map((v) => canonicalJson(v))).size <= 1;

/** Every parameter and metric of the runs side by side, each marked when the runs disagree. */
export function compareRuns(runs: readonly RunView[]): RunComparison {
  const names = (pick: (run: RunView) => object): string[] => [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort();
  const parameters = names((r) => r.parameters).map((name) => {
    const values = runs.map((r) => (Object.hasOwn(r.parameters, name) ? r.parameters[name]! : null));
    return { name, values, differs: !same(values) };
  });
  const metrics = names((r) => r.metrics).map((name) => {
    const series = runs.map((r) => (Object.hasOwn(r.metrics, name) ? r.metrics[name]! : undefined));
    const last = series.map((s) => (s === undefined ? null : s.last));
    return { name, last, min: series.map((s) => s?.min ?? null), max: series.map((s) => s?.max ?? null), differs: !same(last) };
  });
  return { runs: runs.map((r) => r.runId), parameters, metrics };
}

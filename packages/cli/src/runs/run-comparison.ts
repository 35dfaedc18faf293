import type { DeclaredData, JsonValue, RunView } from '@dotscience/sdk';
import { canonicalJson } from '@dotscience/sdk';

/** One named value side by side: one per run, in the order given; null where the run has none. */
export interface ValueComparison {
  name: string;
  values: Array<JsonValue | null>;
  differs: boolean;
}

export interface MetricComparison {
  name: string;
  last: Array<JsonValue | null>;
  min: Array<number | null>;
  max: Array<number | null>;
  differs: boolean;
  /** Every run that has it holds it as a summary value (one point, no series): min and max say nothing more than last. */
  fromSummary: boolean;
}

export interface RunComparison {
  runs: string[];
  parameters: ValueComparison[];
  metrics: MetricComparison[];
  summary: ValueComparison[];
  labels: ValueComparison[];
  /** Per declared path, the digest of the data each run read there (several joined by ", "). */
  inputs: ValueComparison[];
  outputs: ValueComparison[];
  /** The code each run ran: git commit, branch, uncommitted change, script digest. */
  code: ValueComparison[];
  /** Tags set after the fact (ds tag). */
  tags: ValueComparison[];
}

/** The parts of a run's code version that tell two runs' code apart. */
function codeOf(run: RunView): Record<string, JsonValue> {
  const code = run.codeVersion;
  const parts: Record<string, JsonValue> = {};
  if (code.gitCommit !== undefined) parts.commit = code.gitCommit;
  if (code.gitBranch !== undefined) parts.branch = code.gitBranch;
  if (code.dirty !== undefined) parts.uncommitted = code.dirty ? (code.diffDigest ?? true) : false;
  if (code.scriptDigest !== undefined) parts.script = code.scriptDigest;
  return parts;
}

const same = (values: ReadonlyArray<JsonValue | null>): boolean => new Set(values.map((v) => canonicalJson(v))).size <= 1;

function side<T>(runs: readonly RunView[], pick: (run: RunView) => Record<string, T>, value: (item: T) => JsonValue): ValueComparison[] {
  const names = [...new Set(runs.flatMap((r) => Object.keys(pick(r))))].sort();
  return names.map((name) => {
    const values = runs.map((r) => {
      const record = pick(r);
      return Object.hasOwn(record, name) ? value(record[name]!) : null;
    });
    return { name, values, differs: !same(values) };
  });
}

/** A run's declared data by path: the digests (or, where the store defers digests, snapshot ids) recorded at that path. */
function digestsByPath(list: readonly DeclaredData[]): Record<string, string[]> {
  const byPath: Record<string, string[]> = Object.create(null) as Record<string, string[]>; // a path named __proto__ is just a path
  for (const d of list) {
    const id = d.version.digest ?? d.version.snapshotId ?? `${d.version.store} version`;
    byPath[d.path] = [...(Object.hasOwn(byPath, d.path) ? byPath[d.path]! : []), id];
  }
  return byPath;
}

/** Every parameter, metric, summary value, label, input, output, code version part and tag of the runs side by side, each marked when the runs disagree. */
export function compareRuns(runs: readonly RunView[]): RunComparison {
  const metrics = side(
    runs,
    (r) => r.metrics,
    (m) => m.last,
  ).map(({ name, values, differs }) => {
    const series = runs.map((r) => (Object.hasOwn(r.metrics, name) ? r.metrics[name]! : undefined));
    const fromSummary = series.every((s) => s === undefined || s.source === 'summary');
    return { name, last: values, min: series.map((s) => s?.min ?? null), max: series.map((s) => s?.max ?? null), differs, fromSummary };
  });
  const identity = <T extends JsonValue>(v: T): JsonValue => v;
  const digests = (d: string[]): JsonValue => d.join(', ');
  return {
    runs: runs.map((r) => r.runId),
    parameters: side(runs, (r) => r.parameters, identity),
    metrics,
    summary: side(runs, (r) => r.summary, identity),
    labels: side(runs, (r) => r.labels, identity),
    inputs: side(runs, (r) => digestsByPath(r.inputs), digests),
    outputs: side(runs, (r) => digestsByPath(r.outputs), digests),
    code: side(runs, codeOf, identity),
    tags: side(runs, (r) => r.tags ?? {}, identity),
  };
}

import { canonicalJson, type DeclaredData, type JsonValue, type RunView } from '@dotscience/sdk';

/** One thing a rerun is checked on: an output's or a model's digest, a summary value, a metric's last value. */
export interface ComparedItem {
  /** The original run, and the rerun's run that re-executes it (null when the rerun recorded none). */
  runId: string;
  rerunId: string | null;
  kind: 'run' | 'output' | 'model' | 'summary' | 'metric';
  name: string;
  then: JsonValue | null;
  now: JsonValue | null;
  identical: boolean;
  /** The tolerance the values were compared within, for a numeric metric or summary given one. */
  tolerance?: number;
}

/** Per metric or summary name, the largest absolute difference still counted identical (`--tolerance accuracy=1e-6`). */
export type Tolerances = ReadonlyMap<string, number>;

/** Outputs that are the workload's own record, not what the program computed (its log holds run ids and times). */
const RECORD_OUTPUTS = new Set(['ds-run:log']);

const digestOf = (d: DeclaredData): string => d.version.digest ?? d.version.snapshotId ?? `${d.version.store} version`;

function byName<T>(entries: Iterable<readonly [string, T]>): Map<string, T> {
  return new Map(entries);
}

function sameValue(then: JsonValue | null, now: JsonValue | null, tolerance: number | undefined): boolean {
  if (tolerance !== undefined && typeof then === 'number' && typeof now === 'number') return Math.abs(then - now) <= tolerance;
  return canonicalJson(then) === canonicalJson(now);
}

/**
 * Every output and model digest and every summary and metric (last) value of `original`
 * against the rerun's run, item by item; an item only one side has is different. The
 * workload's log and the run's status are compared too (a rerun that failed is different).
 */
export function compareRerun(original: RunView, rerun: RunView | undefined, tolerances: Tolerances): ComparedItem[] {
  const items: ComparedItem[] = [];
  const base = { runId: original.runId, rerunId: rerun?.runId ?? null };
  const add = (kind: ComparedItem['kind'], then: Map<string, JsonValue>, now: Map<string, JsonValue>, tolerant = false) => {
    for (const key of [...new Set([...then.keys(), ...now.keys()])].sort()) {
      const a = then.get(key) ?? null;
      const b = now.get(key) ?? null;
      const tolerance = tolerant ? tolerances.get(key) : undefined;
      items.push({
        ...base,
        kind,
        name: key,
        then: a,
        now: b,
        identical: then.has(key) && now.has(key) && sameValue(a, b, tolerance),
        ...(tolerance === undefined ? {} : { tolerance }),
      });
    }
  };
  items.push({
    ...base,
    kind: 'run',
    name: 'status',
    then: original.status,
    now: rerun?.status ?? null,
    identical: rerun !== undefined && original.status === rerun.status,
  });
  const outputs = (run: RunView | undefined) =>
    byName<JsonValue>((run?.outputs ?? []).filter((o) => !RECORD_OUTPUTS.has(o.path)).map((o) => [o.path, digestOf(o)] as const));
  const models = (run: RunView | undefined) =>
    byName<JsonValue>((run?.models ?? []).map((m) => [m.name, m.version?.digest ?? m.version?.snapshotId ?? null] as const));
  const summaries = (run: RunView | undefined) => byName<JsonValue>(Object.entries(run?.summary ?? {}));
  const metrics = (run: RunView | undefined) =>
    byName<JsonValue>(
      Object.entries(run?.metrics ?? {})
        .filter(([, m]) => m.source !== 'summary')
        .map(([name, m]) => [name, m.last] as const),
    );
  add('output', outputs(original), outputs(rerun));
  add('model', models(original), models(rerun));
  add('summary', summaries(original), summaries(rerun), true);
  add('metric', metrics(original), metrics(rerun), true);
  return items;
}

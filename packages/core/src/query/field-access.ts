import type { JsonValue } from '../events/json.js';
import { ownEntry } from '../projections/own-keys.js';
import type { DeclaredData, DeclaredModel, RunView } from '../projections/run-view.js';
import type { AttributeName, DataProperty, FieldRef, MetricAggregateName, ModelProperty } from './ast.js';

/** A field's value in one run; undefined (or JSON null) when the run has none. */
export type FieldValue = JsonValue | undefined;

/**
 * How values of a field compare:
 * json — recorded values: numeric strings compare as numbers;
 * text — identifiers and free text, compared as written;
 * enum — status / mode / kind, compared case-insensitively;
 * time — ISO-8601 timestamps, compared as instants.
 */
export type Domain = 'json' | 'text' | 'enum' | 'time';

export interface FieldAccess {
  domain: Domain;
  /** Whether any of the run's values passes `test`. A single-valued field tests its one value, undefined when absent. */
  exists: (run: RunView, test: (value: FieldValue) => boolean) => boolean;
  /** The run's one value, for ordering; null for fields with many values per run (inputs, outputs, models). */
  read: ((run: RunView) => FieldValue) | null;
}

const single = (domain: Domain, read: (run: RunView) => FieldValue): FieldAccess => ({
  domain,
  read,
  exists: (run, test) => test(read(run)),
});

const many = <T>(domain: Domain, items: (run: RunView) => readonly T[], value: (item: T) => FieldValue): FieldAccess => ({
  domain,
  read: null,
  exists: (run, test) => {
    for (const item of items(run)) if (test(value(item))) return true;
    return false;
  },
});

const ATTRIBUTES: Record<AttributeName, FieldAccess> = {
  run_id: single('text', (r) => r.runId),
  project_id: single('text', (r) => r.projectId),
  status: single('enum', (r) => r.status),
  mode: single('enum', (r) => r.mode),
  started_at: single('time', (r) => r.startedAt),
  ended_at: single('time', (r) => r.endedAt),
  description: single('text', (r) => r.description),
  git_commit: single('text', (r) => r.codeVersion.gitCommit),
  git_branch: single('text', (r) => r.codeVersion.gitBranch),
  user: single('text', (r) => r.environment.user),
  host: single('text', (r) => r.environment.host),
};

const DATA: Record<DataProperty, [Domain, (d: DeclaredData) => FieldValue]> = {
  path: ['text', (d) => d.path],
  dataset: ['text', (d) => d.dataset],
  digest: ['text', (d) => d.version.digest],
  store: ['text', (d) => d.version.store],
  kind: ['enum', (d) => d.version.kind],
  bytes: ['json', (d) => d.version.bytes],
  files: ['json', (d) => d.version.files],
};

const MODELS: Record<ModelProperty, (m: DeclaredModel) => FieldValue> = {
  name: (m) => m.name,
  path: (m) => m.path,
  framework: (m) => m.framework,
  digest: (m) => m.version?.digest,
};

const METRIC_AGGREGATES: Record<MetricAggregateName, (key: string) => (run: RunView) => FieldValue> = {
  last: (key) => (r) => ownEntry(r.metrics, key)?.last,
  min: (key) => (r) => ownEntry(r.metrics, key)?.min,
  max: (key) => (r) => ownEntry(r.metrics, key)?.max,
  /** A run that never recorded the metric has recorded it 0 times. */
  count: (key) => (r) => ownEntry(r.metrics, key)?.count ?? 0,
};

/** How to read a field from a RunView. Map lookups only touch own keys, so a parameter named `constructor` is just a parameter. */
export function fieldAccess(field: FieldRef): FieldAccess {
  switch (field.scope) {
    case 'params':
      return single('json', (r) => ownEntry(r.parameters, field.key));
    case 'labels':
      return single('json', (r) => ownEntry(r.labels, field.key));
    case 'summary':
      return single('json', (r) => ownEntry(r.summary, field.key));
    case 'metrics':
      return single('json', METRIC_AGGREGATES[field.aggregate](field.key));
    case 'attributes':
      return ATTRIBUTES[field.key];
    case 'inputs':
    case 'outputs': {
      const [domain, value] = DATA[field.key];
      return many(domain, field.scope === 'inputs' ? (r) => r.inputs : (r) => r.outputs, value);
    }
    case 'models':
      return many('text', (r) => r.models, MODELS[field.key]);
  }
}

import {
  ATTRIBUTE_NAMES,
  DATA_PROPERTIES,
  MODEL_PROPERTIES,
  type AttributeName,
  type DataProperty,
  type FieldRef,
  type MetricAggregateName,
  type ModelProperty,
} from './ast.js';
import type { NameSegment } from './query-lexer.js';

/** The prefixes a field may start with, as listed in error messages. */
export const FIELD_PREFIXES = ['params', 'metrics', 'labels', 'tags', 'summary', 'attributes', 'inputs', 'outputs', 'models'] as const;

type Scope = FieldRef['scope'];

/** MLflow's spellings and their singular forms, matched case-insensitively. */
const PREFIX_SCOPES: Record<string, Scope> = {
  params: 'params',
  param: 'params',
  parameters: 'params',
  parameter: 'params',
  metrics: 'metrics',
  metric: 'metrics',
  labels: 'labels',
  label: 'labels',
  tags: 'labels',
  tag: 'labels',
  summary: 'summary',
  summaries: 'summary',
  attributes: 'attributes',
  attribute: 'attributes',
  attr: 'attributes',
  run: 'attributes',
  inputs: 'inputs',
  input: 'inputs',
  datasets: 'inputs',
  outputs: 'outputs',
  output: 'outputs',
  models: 'models',
  model: 'models',
};

/** MLflow's attribute names and camelCase spellings of ours. */
const ATTRIBUTE_ALIASES: Record<string, AttributeName> = {
  run_uuid: 'run_id',
  id: 'run_id',
  start_time: 'started_at',
  end_time: 'ended_at',
  experiment_id: 'project_id',
  user_id: 'user',
};

const AGGREGATES: readonly MetricAggregateName[] = ['last', 'min', 'max', 'count'];

export class FieldNameError extends Error {
  constructor(
    readonly at: NameSegment,
    readonly reason: string,
  ) {
    super(reason);
  }
}

const lookup = <V>(table: Record<string, V>, key: string): V | undefined => (Object.hasOwn(table, key) ? table[key] : undefined);

/** `startedAt`, `started_at` and `start_time` all name the started_at attribute. */
export function attributeNamed(name: string): AttributeName | undefined {
  const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return (ATTRIBUTE_NAMES as readonly string[]).includes(snake) ? (snake as AttributeName) : lookup(ATTRIBUTE_ALIASES, snake);
}

function oneOf<K extends string>(valid: readonly K[], seg: NameSegment, what: string, example: string): K {
  const key = seg.name.toLowerCase() === 'name' && (what === 'inputs' || what === 'outputs') ? 'dataset' : seg.name.toLowerCase();
  if ((valid as readonly string[]).includes(key)) return key as K;
  throw new FieldNameError(seg, `unknown ${what} field '${seg.name}'; valid: ${valid.join(', ')} (e.g. ${example})`);
}

/** Resolves a dotted name (`metrics.loss.min`, tags.`team`, `inputs.path`) to the field it names. */
export function resolveField(segments: readonly NameSegment[]): FieldRef {
  const [head, ...rest] = segments;
  if (head === undefined) throw new Error('resolveField: no segments');
  const scope = lookup(PREFIX_SCOPES, head.name.toLowerCase());
  if (scope === undefined) {
    throw new FieldNameError(
      head,
      `unknown field prefix '${head.name}'; valid prefixes: ${FIELD_PREFIXES.map((p) => `${p}.`).join(', ')} (or a bare attribute such as run_id)`,
    );
  }
  const first = rest[0]!;
  const single = (what: string, example: string): NameSegment => {
    if (rest.length > 1)
      throw new FieldNameError(
        rest[1]!,
        `${what} has no field '${rest
          .slice(1)
          .map((s) => s.name)
          .join('.')}' (e.g. ${example})`,
      );
    return first;
  };
  switch (scope) {
    case 'params':
    case 'labels':
    case 'summary':
      return { scope, key: rest.map((s) => s.name).join('.') };
    case 'metrics': {
      const last = rest[rest.length - 1]!;
      const aggregate = AGGREGATES.find((a) => rest.length > 1 && !last.quoted && a === last.name.toLowerCase());
      const keyParts = aggregate === undefined ? rest : rest.slice(0, -1);
      return { scope, key: keyParts.map((s) => s.name).join('.'), aggregate: aggregate ?? 'last' };
    }
    case 'attributes': {
      const seg = single('attributes.' + first.name, 'attributes.status');
      const key = attributeNamed(seg.name);
      if (key === undefined) throw new FieldNameError(seg, `unknown attribute '${seg.name}'; valid attributes: ${ATTRIBUTE_NAMES.join(', ')}`);
      return { scope, key };
    }
    case 'inputs':
    case 'outputs':
      return { scope, key: oneOf<DataProperty>(DATA_PROPERTIES, single(scope, `${scope}.path`), scope, `${scope}.path = 'data/train.csv'`) };
    case 'models':
      return { scope, key: oneOf<ModelProperty>(MODEL_PROPERTIES, single(scope, 'models.name'), scope, "models.name = 'clf'") };
  }
}

/**
 * The syntax tree of a run query (DESIGN §5): MLflow's search_runs filter syntax
 * plus OR / NOT / parentheses, IN, IS NULL, LIKE / ILIKE, metric aggregates,
 * provenance predicates and `order by`. Positions are not kept in the tree, so
 * two spellings of the same query (`==` and `=`, `tags.` and `labels.`) are equal.
 */

export type MetricAggregateName = 'last' | 'min' | 'max' | 'count';

export const ATTRIBUTE_NAMES = [
  'run_id',
  'project_id',
  'status',
  'mode',
  'started_at',
  'ended_at',
  'description',
  'git_commit',
  'git_branch',
  'user',
  'host',
] as const;
export type AttributeName = (typeof ATTRIBUTE_NAMES)[number];

/** Properties of a declared input or output (existential: any one of the run's data matching). */
export const DATA_PROPERTIES = ['path', 'dataset', 'digest', 'store', 'kind', 'bytes', 'files'] as const;
export type DataProperty = (typeof DATA_PROPERTIES)[number];

/** Properties of a declared model (existential, like inputs). */
export const MODEL_PROPERTIES = ['name', 'path', 'framework', 'digest'] as const;
export type ModelProperty = (typeof MODEL_PROPERTIES)[number];

export type FieldRef =
  | { scope: 'params' | 'labels' | 'summary'; key: string }
  | { scope: 'metrics'; key: string; aggregate: MetricAggregateName }
  | { scope: 'attributes'; key: AttributeName }
  | { scope: 'inputs' | 'outputs'; key: DataProperty }
  | { scope: 'models'; key: ModelProperty };

/** A literal in a query: numbers, quoted strings, `true` / `false`. */
export type Literal = string | number | boolean;

export type Comparator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Predicate =
  | { kind: 'compare'; field: FieldRef; op: Comparator; value: Literal }
  | { kind: 'in'; field: FieldRef; negated: boolean; values: Literal[] }
  | { kind: 'null'; field: FieldRef; negated: boolean }
  | {
      kind: 'like';
      field: FieldRef;
      negated: boolean;
      caseInsensitive: boolean;
      pattern: string;
      /** The escape character of the pattern; '' when the pattern has none. Default '\'. */
      escape: string;
    };

export type Filter = Predicate | { kind: 'and'; left: Filter; right: Filter } | { kind: 'or'; left: Filter; right: Filter } | { kind: 'not'; operand: Filter };

export interface OrderKey {
  field: FieldRef;
  direction: 'asc' | 'desc';
}

export interface Query {
  /** null: the empty filter, which matches every run. */
  filter: Filter | null;
  orderBy: OrderKey[];
}

/** Fields that hold many values per run (a run has many inputs): predicates on them are existential. */
export function isCollectionField(field: FieldRef): boolean {
  return field.scope === 'inputs' || field.scope === 'outputs' || field.scope === 'models';
}

/** Attributes holding a timestamp: they compare with epoch milliseconds (MLflow's start_time) or an ISO-8601 string. */
export function isTimeField(field: FieldRef): boolean {
  return field.scope === 'attributes' && (field.key === 'started_at' || field.key === 'ended_at');
}

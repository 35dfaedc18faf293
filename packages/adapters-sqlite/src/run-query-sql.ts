import { type Filter, type Query } from '@dotscience/core';
import { fieldAccess, sortRuns, valueTest, type Comparator, type FieldRef, type FieldValue, type OrderKey, type Predicate } from '@dotscience/core/store-kit';
import { fieldSource, numberIn, textIn, type FieldSource } from './run-fields.js';

type SqlValue = string | number;

/** A query as SQL over `runs r`: a WHERE clause, the joins its order needs, and the ORDER BY. */
export interface RunQuerySql {
  where: string;
  joins: string;
  orderBy: string;
  /** Parameters in the order of joins, then where. */
  params: SqlValue[];
  /**
   * Value tests the SQL calls through `ds_value_test(i, json)` where a predicate
   * has no exact plain-SQL form (LIKE, mixed-kind comparisons): the closure
   * evaluator's own tests, so the answer stays the oracle's.
   */
  valueTests: Array<(value: FieldValue) => boolean>;
}

const NUMERIC_COMPARATORS: readonly Comparator[] = ['=', '<', '<=', '>', '>='];

type Columns = ReturnType<FieldSource['columns']>;

/** A condition on a value's columns; `implied`: it holds only where the value is there (num or txt set). */
interface ValueTest {
  sql: string;
  implied: boolean;
}

class SqlBuilder {
  readonly params: SqlValue[] = [];
  readonly valueTests: Array<(value: FieldValue) => boolean> = [];

  /** @param rid how a condition names the run's row id (`+r.rid`: not as a way into runs). */
  constructor(private readonly rid: string) {}

  param(value: SqlValue): string {
    this.params.push(value);
    return '?';
  }

  /**
   * Runs with a value of `field` that passes `test` (a condition on the value's columns). A value's three cells are all
   * null or all set (json always, num and txt where it has them), so a test that needs num or txt set (`implied`) also
   * says the value is there: its json need not be read (that read is a table lookup per row that an index answers).
   */
  some(field: FieldRef, test: (columns: Columns) => ValueTest | null): string {
    const source = fieldSource(field);
    if (source.rows === undefined) {
      const columns = source.columns('r');
      const condition = test(columns);
      // Never NULL (a NOT around it must see false, as around a subquery's IN).
      return `(${columns.json} IS NOT NULL${condition === null ? '' : ` AND IFNULL(${condition.sql}, 0)`})`;
    }
    const { table, keyColumn, key } = source.rows;
    const columns = source.columns('f');
    const keyParam = this.param(key); // placeholders are numbered in the order they are written
    const condition = test(columns);
    const terms = [`f.${keyColumn} = ${keyParam}`];
    if (condition === null || !condition.implied) terms.push(`${columns.json} IS NOT NULL`);
    if (condition !== null) terms.push(condition.sql);
    return `${this.rid} IN (SELECT f.run FROM ${table} f WHERE ${terms.join(' AND ')})`;
  }

  /** Runs without any value of `field`. */
  none(field: FieldRef): string {
    const source = fieldSource(field);
    if (source.rows === undefined) return `${source.columns('r').json} IS NULL`;
    const { table, keyColumn, key } = source.rows;
    return `${this.rid} NOT IN (SELECT f.run FROM ${table} f WHERE f.${keyColumn} = ${this.param(key)} AND ${source.columns('f').json} IS NOT NULL)`;
  }

  /** The plain-SQL form of a predicate's value test where one is exact; null where only the closure is. */
  private plainTest(predicate: Predicate, f: Columns): ValueTest | null {
    const { domain } = fieldAccess(predicate.field);
    if (predicate.kind === 'null') return null;
    if (predicate.kind === 'compare') {
      const { op, value } = predicate;
      if ((domain === 'json' && typeof value === 'number') || domain === 'time') {
        const n = numberIn(domain, value);
        if (n === null) return null;
        if (op === '!=') return { sql: `(${f.num} IS NULL OR ${f.num} != ${this.param(n)})`, implied: false };
        return NUMERIC_COMPARATORS.includes(op) ? { sql: `${f.num} ${op} ${this.param(n)}`, implied: true } : null;
      }
      if ((domain === 'text' || domain === 'enum') && op === '=') return { sql: `${f.txt} = ${this.param(textIn(domain, String(value)))}`, implied: true };
      return null;
    }
    if (predicate.kind === 'in' && domain === 'json' && predicate.values.every((v) => typeof v === 'number')) {
      const list = predicate.values.map((v) => this.param(v as number)).join(', ');
      return predicate.negated ? { sql: `(${f.num} IS NULL OR ${f.num} NOT IN (${list}))`, implied: false } : { sql: `${f.num} IN (${list})`, implied: true };
    }
    return null;
  }

  /** Whether some value of the predicate's field passes its value test (a metric's count is 0 where the run has no row). */
  private passes(predicate: Predicate): string {
    const { field } = predicate;
    const { domain } = fieldAccess(field);
    const test = valueTest(predicate, domain);
    const some = this.some(field, (f) => {
      if (predicate.kind === 'null') return null;
      const plain = this.plainTest(predicate, f);
      if (plain !== null) return plain;
      this.valueTests.push(test);
      return { sql: `ds_value_test(${this.param(this.valueTests.length - 1)}, ${f.json})`, implied: false };
    });
    const countOfNone = field.scope === 'metrics' && field.aggregate === 'count';
    return countOfNone && test(0) ? `(${some} OR ${this.none(field)})` : some;
  }

  predicate(predicate: Predicate): string {
    if (predicate.kind === 'null' && !predicate.negated) return `NOT ${this.passes(predicate)}`;
    return this.passes(predicate);
  }

  filter(filter: Filter): string {
    switch (filter.kind) {
      case 'and':
        return `(${this.filter(filter.left)} AND ${this.filter(filter.right)})`;
      case 'or':
        return `(${this.filter(filter.left)} OR ${this.filter(filter.right)})`;
      case 'not':
        return `NOT (${this.filter(filter.operand)})`;
      default:
        return this.predicate(filter);
    }
  }
}

/**
 * The ORDER BY of `sortRuns`: each key's value as it sorts (numbers before
 * text ascending, after it descending, missing values last either way), then
 * newest first by start time and log position, then run id.
 */
function orderSql(orderBy: readonly OrderKey[], params: SqlValue[]): { joins: string; orderBy: string } {
  sortRuns([], orderBy); // refuses keys with many values per run, as the closure evaluator does
  const joins: string[] = [];
  const terms: string[] = [];
  orderBy.forEach(({ field, direction }, i) => {
    const source = fieldSource(field);
    const o = source.rows === undefined ? 'r' : `o${i}`;
    if (source.rows !== undefined) {
      const { table, keyColumn, key } = source.rows;
      params.push(key);
      joins.push(`LEFT JOIN ${table} ${o} ON ${o}.run = r.rid AND ${o}.${keyColumn} = ?`);
    }
    const columns = source.columns(o);
    const dir = direction === 'desc' ? 'DESC' : 'ASC';
    const count = field.scope === 'metrics' && field.aggregate === 'count';
    const num = count ? `COALESCE(${columns.num}, 0)` : columns.num;
    if (!count) terms.push(`(${columns.json} IS NULL)`);
    terms.push(`(${num} IS NULL) ${dir}`, `${num} ${dir}`, `CASE WHEN ${num} IS NULL THEN ${columns.txt} END ${dir}`);
  });
  terms.push('r.started_ms DESC', 'r.started_position DESC', 'r.run_id');
  return { joins: joins.join(' '), orderBy: terms.join(', ') };
}

/**
 * Compiles a query for the runs read model; its answers are those of `runQuery` over the runs projection.
 * `page`: for a page in the default order (newest first), the conditions on rows of other tables do not offer
 * SQLite a way into runs by row id, so the page walks runs_newest testing each run's id against the matching ids,
 * reads only the rows it returns and stops at its limit; by row id SQLite would read the row of every run a first
 * condition matches (a large table) and sort them. A count, or a page in another order, may go in by row id.
 */
export function runQuerySql(query: Query, { page = false }: { page?: boolean } = {}): RunQuerySql {
  const builder = new SqlBuilder(page && query.orderBy.length === 0 ? '+r.rid' : 'r.rid');
  const { joins, orderBy } = orderSql(query.orderBy, builder.params);
  const where = query.filter === null ? '1' : builder.filter(query.filter);
  return { where, joins, orderBy, params: builder.params, valueTests: builder.valueTests };
}

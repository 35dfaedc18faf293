import type { FieldRef, Filter, Literal, OrderKey, Query } from './ast.js';

const PLAIN_NAME = /^[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/;
const PLAIN_METRIC_NAME = /^[A-Za-z0-9_]+$/;

const backticked = (name: string): string => `\`${name.replaceAll('`', '``')}\``;

/** A field as the parser reads it back: `params.model`, metrics.`val.loss`.min, `attributes.status`. */
export function printField(field: FieldRef): string {
  switch (field.scope) {
    case 'params':
    case 'labels':
    case 'summary':
      return `${field.scope}.${PLAIN_NAME.test(field.key) ? field.key : backticked(field.key)}`;
    case 'metrics': {
      const name = PLAIN_METRIC_NAME.test(field.key) ? field.key : backticked(field.key);
      return `metrics.${name}${field.aggregate === 'last' ? '' : `.${field.aggregate}`}`;
    }
    default:
      return `${field.scope}.${field.key}`;
  }
}

/** A literal as written in a query: strings single-quoted with quotes doubled. */
export function printLiteral(value: Literal): string {
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  return String(value);
}

const PRECEDENCE: Record<Filter['kind'], number> = { or: 1, and: 2, not: 3, compare: 4, in: 4, null: 4, like: 4 };

function printFilter(filter: Filter, context: number, rightOperand: boolean): string {
  const own = PRECEDENCE[filter.kind];
  const text = printNode(filter);
  return own < context || (rightOperand && own === context && own < 3) ? `(${text})` : text;
}

function printNode(filter: Filter): string {
  switch (filter.kind) {
    case 'and':
    case 'or': {
      const p = PRECEDENCE[filter.kind];
      return `${printFilter(filter.left, p, false)} ${filter.kind.toUpperCase()} ${printFilter(filter.right, p, true)}`;
    }
    case 'not':
      return `NOT ${printFilter(filter.operand, PRECEDENCE.not, false)}`;
    case 'compare':
      return `${printField(filter.field)} ${filter.op} ${printLiteral(filter.value)}`;
    case 'in':
      return `${printField(filter.field)} ${filter.negated ? 'NOT IN' : 'IN'} (${filter.values.map(printLiteral).join(', ')})`;
    case 'null':
      return `${printField(filter.field)} IS ${filter.negated ? 'NOT NULL' : 'NULL'}`;
    case 'like': {
      const op = `${filter.negated ? 'NOT ' : ''}${filter.caseInsensitive ? 'ILIKE' : 'LIKE'}`;
      const escape = filter.escape === '\\' ? '' : ` ESCAPE ${printLiteral(filter.escape)}`;
      return `${printField(filter.field)} ${op} ${printLiteral(filter.pattern)}${escape}`;
    }
  }
}

const printOrderKey = (key: OrderKey): string => `${printField(key.field)} ${key.direction.toUpperCase()}`;

/** The canonical text of a query; `parseQuery(printQuery(q))` equals `q`. */
export function printQuery(query: Query): string {
  const filter = query.filter === null ? '' : printFilter(query.filter, 0, false);
  const order = query.orderBy.length === 0 ? '' : `ORDER BY ${query.orderBy.map(printOrderKey).join(', ')}`;
  return [filter, order].filter((part) => part !== '').join(' ');
}

import { isCollectionField, isTimeField, type Comparator, type FieldRef, type Filter, type Literal, type OrderKey, type Predicate, type Query } from './ast.js';
import { attributeNamed, FIELD_PREFIXES, FieldNameError, resolveField } from './field-names.js';
import { tokenize, type Token } from './query-lexer.js';
import { positionAt, QueryParseError, type QueryPart } from './query-parse-error.js';

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'is', 'null', 'like', 'ilike', 'escape', 'order', 'by', 'asc', 'desc', 'true', 'false']);
const COMPARATORS: Record<string, Comparator> = { '=': '=', '==': '=', '!=': '!=', '<>': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const OPERATOR_LIST = '=, !=, <, <=, >, >=, IN, NOT IN, IS NULL, IS NOT NULL, LIKE, ILIKE';
const VALUE_KINDS = 'a number, a quoted string, true or false';
/**
 * Bounds on a query's shape, so that parsing, compiling, evaluating and printing
 * it (all recursive over the tree) stay far from the stack's limit: parentheses
 * and NOT nest at most this deep, and a query holds at most this many conditions
 * (each AND / OR adds a level to the tree).
 */
export const MAX_QUERY_NESTING = 100;
export const MAX_QUERY_CONDITIONS = 1000;

/**
 * Parses a run query: `metrics.rmse < 1 and params.model = 'tree' order by metrics.rmse`.
 * Keywords are case-insensitive; AND binds tighter than OR; an empty filter matches every run.
 * Throws QueryParseError naming the column of the offending token.
 */
export function parseQuery(text: string): Query {
  return new QueryParser(text, tokenize(text, 'filter'), 'filter').query();
}

/**
 * Parses a sort on its own: order keys such as `metrics.accuracy desc, params.depth`,
 * optionally after ORDER BY; '' is no keys. A QueryParseError's column points into
 * this text and its message says it is the sort.
 */
export function parseSortKeys(text: string): OrderKey[] {
  return new QueryParser(text, tokenize(text, 'sort'), 'sort').sortKeys();
}

class QueryParser {
  private index = 0;
  /** Parentheses and NOTs open around the token being read. */
  private nesting = 0;
  private conditions = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: readonly Token[],
    private readonly part: QueryPart,
  ) {}

  query(): Query {
    const filter = this.atEnd() || this.isWord(this.peek(), 'order') ? null : this.or();
    const orderBy: OrderKey[] = [];
    if (this.isWord(this.peek(), 'order')) {
      this.next();
      if (!this.isWord(this.peek(), 'by')) this.fail(this.peek(), 'expected BY after ORDER');
      this.next();
      orderBy.push(...this.orderKeys());
    }
    if (!this.atEnd()) {
      const what = orderBy.length > 0 ? "',' and another field, ASC, DESC" : 'AND, OR, ORDER BY';
      this.fail(this.peek(), `expected ${what} or the end of the query`);
    }
    return { filter, orderBy };
  }

  sortKeys(): OrderKey[] {
    if (this.atEnd()) return [];
    if (this.isWord(this.peek(), 'order')) {
      this.next();
      if (!this.isWord(this.peek(), 'by')) this.fail(this.peek(), 'expected BY after ORDER');
      this.next();
    }
    const keys = this.orderKeys();
    if (!this.atEnd()) this.fail(this.peek(), "expected ',' and another field, ASC, DESC or the end of the sort");
    return keys;
  }

  private orderKeys(): OrderKey[] {
    const keys = [this.orderKey()];
    while (this.peek().type === ',') {
      this.next();
      keys.push(this.orderKey());
    }
    return keys;
  }

  private or(): Filter {
    return this.chain('or', () => this.and());
  }

  private and(): Filter {
    return this.chain('and', () => this.not());
  }

  /** `operand (keyword operand)*`, left-associative. */
  private chain(keyword: 'and' | 'or', operand: () => Filter): Filter {
    let left = operand();
    while (this.isWord(this.peek(), keyword)) {
      this.next();
      left = { kind: keyword, left, right: operand() };
    }
    return left;
  }

  private not(): Filter {
    if (!this.isWord(this.peek(), 'not')) return this.primary();
    const operand = this.nested(() => this.not());
    return { kind: 'not', operand };
  }

  private primary(): Filter {
    const open = this.peek();
    if (open.type !== '(') return this.predicate();
    const inner = this.nested(() => this.or());
    if (this.peek().type !== ')') {
      this.fail(this.peek(), `expected ')' to close the '(' at column ${positionAt(this.text, open.start).column}`);
    }
    this.next();
    return inner;
  }

  /** Consumes the '(' or NOT at hand and reads what it opens, one level deeper; refuses a level past MAX_QUERY_NESTING. */
  private nested(inner: () => Filter): Filter {
    const opener = this.next();
    if (this.nesting === MAX_QUERY_NESTING) {
      this.fail(
        opener,
        `the query nests parentheses and NOT more than ${MAX_QUERY_NESTING} levels deep; write it with fewer levels (AND / OR chains and IN lists need none)`,
        true,
      );
    }
    this.nesting++;
    const filter = inner();
    this.nesting--;
    return filter;
  }

  private predicate(): Predicate {
    const fieldToken = this.peek();
    if (++this.conditions > MAX_QUERY_CONDITIONS) {
      this.fail(fieldToken, `the query has more than ${MAX_QUERY_CONDITIONS} conditions; list many values with IN (…) or split the query`, true);
    }
    const field = this.field("expected a condition such as metrics.rmse < 1 or params.model = 'tree'");
    const tok = this.peek();
    if (tok.type === 'op') {
      this.next();
      const op = COMPARATORS[tok.text]!;
      return { kind: 'compare', field, op, value: this.literal(field, `after '${tok.text}'`) };
    }
    const negated = this.isWord(tok, 'not');
    if (negated) this.next();
    const keyword = this.peek();
    if (this.isWord(keyword, 'in')) {
      this.next();
      return { kind: 'in', field, negated, values: this.list(field) };
    }
    if (this.isWord(keyword, 'like') || this.isWord(keyword, 'ilike')) {
      this.next();
      return { kind: 'like', field, negated, caseInsensitive: this.isWord(keyword, 'ilike'), ...this.pattern(keyword.text.toUpperCase()) };
    }
    if (negated) this.fail(keyword, 'expected IN, LIKE or ILIKE after NOT');
    if (this.isWord(keyword, 'is')) {
      this.next();
      const isNot = this.isWord(this.peek(), 'not');
      if (isNot) this.next();
      if (!this.isWord(this.peek(), 'null')) this.fail(this.peek(), 'expected NULL after IS (write IS NULL or IS NOT NULL)');
      this.next();
      return { kind: 'null', field, negated: isNot };
    }
    return this.fail(tok, `expected an operator after ${fieldToken.text} (${OPERATOR_LIST})`);
  }

  private field(expected: string): FieldRef {
    const tok = this.next();
    if (tok.type === 'field') {
      try {
        return resolveField(tok.segments);
      } catch (e) {
        if (e instanceof FieldNameError) throw new QueryParseError(this.text, e.at.start, e.at.quoted ? tok.text : e.at.name, e.reason, this.part);
        throw e;
      }
    }
    if (tok.type === 'word' && !KEYWORDS.has(tok.text.toLowerCase())) {
      const key = attributeNamed(tok.text);
      if (key !== undefined) return { scope: 'attributes', key };
      const prefix = (FIELD_PREFIXES as readonly string[]).includes(tok.text.toLowerCase());
      this.fail(
        tok,
        prefix
          ? `'${tok.text}' needs a name after it, e.g. ${tok.text}.x`
          : `unknown field '${tok.text}'; valid prefixes: ${FIELD_PREFIXES.map((p) => `${p}.`).join(', ')} (or a bare attribute such as run_id or status)`,
        true,
      );
    }
    return this.fail(tok, expected);
  }

  private literal(field: FieldRef, where: string): Literal {
    const tok = this.next();
    let value: Literal;
    if (tok.type === 'number' || tok.type === 'string') value = tok.value;
    else if (this.isWord(tok, 'true') || this.isWord(tok, 'false')) value = tok.text.toLowerCase() === 'true';
    else if (this.isWord(tok, 'null')) return this.fail(tok, 'to test for a missing value write IS NULL or IS NOT NULL');
    else if (tok.type === '(') return this.fail(tok, "a list of values needs IN, e.g. params.model IN ('tree', 'forest')");
    else return this.fail(tok, `expected a value ${where} (${VALUE_KINDS})`);
    if (isTimeField(field) && (typeof value === 'boolean' || (typeof value === 'string' && !Number.isFinite(Date.parse(value))))) {
      this.fail(tok, `attributes.${field.key} compares with a timestamp: milliseconds since 1970 or an ISO-8601 string such as '2026-01-31T12:00:00Z'`, false);
    }
    return value;
  }

  private list(field: FieldRef): Literal[] {
    if (this.peek().type !== '(') this.fail(this.peek(), "expected a list in parentheses after IN, e.g. ('tree', 'forest')");
    this.next();
    if (this.peek().type === ')') this.fail(this.peek(), 'expected at least one value in the list');
    const values: Literal[] = [this.literal(field, 'in the list')];
    while (this.peek().type === ',') {
      this.next();
      values.push(this.literal(field, "after ','"));
    }
    if (this.peek().type !== ')') this.fail(this.peek(), "expected ',' and another value, or ')' to close the list");
    this.next();
    return values;
  }

  private pattern(operator: string): { pattern: string; escape: string } {
    const tok = this.next();
    if (tok.type !== 'string') return this.fail(tok, `expected a quoted pattern after ${operator}, e.g. 'models/%'`);
    if (!this.isWord(this.peek(), 'escape')) return { pattern: tok.value, escape: '\\' };
    this.next();
    const escape = this.next();
    if (escape.type !== 'string' || [...escape.value].length > 1) {
      return this.fail(escape, "expected one quoted character after ESCAPE, e.g. ESCAPE '!'");
    }
    return { pattern: tok.value, escape: escape.value };
  }

  private orderKey(): OrderKey {
    const tok = this.peek();
    const field = this.field('expected a field to order by, e.g. metrics.accuracy');
    if (isCollectionField(field)) {
      this.fail(tok, `cannot order by ${tok.text}: a run can have many ${field.scope}; order by a field with one value per run`, true);
    }
    let direction: OrderKey['direction'] = 'asc';
    if (this.isWord(this.peek(), 'asc') || this.isWord(this.peek(), 'desc')) direction = this.next().text.toLowerCase() as OrderKey['direction'];
    return { field, direction };
  }

  private isWord(tok: Token, keyword: string): boolean {
    return tok.type === 'word' && tok.text.toLowerCase() === keyword;
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    const tok = this.tokens[this.index]!;
    if (tok.type !== 'eof') this.index++;
    return tok;
  }

  private atEnd(): boolean {
    return this.peek().type === 'eof';
  }

  /** Fails at `tok`; the message says what was found unless the reason already names it. */
  private fail(tok: Token, reason: string, namesToken = false): never {
    const found = tok.type === 'eof' ? 'the end of the query' : tok.type === 'string' ? tok.text : `'${tok.text}'`;
    throw new QueryParseError(this.text, tok.start, tok.text, namesToken ? reason : `${reason}, found ${found}`, this.part);
  }
}

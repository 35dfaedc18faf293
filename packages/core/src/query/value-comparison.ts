import type { JsonValue } from '../events/json.js';
import type { Comparator, Literal } from './ast.js';
import type { Domain, FieldValue } from './field-access.js';
import { likeMatcher } from './like-pattern.js';
import { asNumber } from '../projections/summary-metrics.js';

function asBoolean(value: Literal | JsonValue): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : undefined;
}

/** JSON values as text, for LIKE and for comparing structured values with strings. */
export function asText(value: JsonValue): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

const order = <T extends number | string>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0);

/** How a present value orders against the literal: <0, 0, >0, or undefined when they cannot be compared. */
type Comparer = (value: JsonValue) => number | undefined;

function jsonComparer(literal: Literal): Comparer {
  const literalNumber = typeof literal === 'boolean' ? undefined : asNumber(literal);
  const literalBoolean = asBoolean(literal);
  return (value) => {
    switch (typeof value) {
      case 'number':
        return literalNumber === undefined ? undefined : order(value, literalNumber);
      case 'string': {
        if (literalNumber !== undefined) {
          const n = asNumber(value);
          if (n !== undefined) return order(n, literalNumber);
        }
        if (typeof literal === 'string') return order(value, literal);
        const b = typeof literal === 'boolean' ? asBoolean(value) : undefined;
        return b === undefined ? undefined : order(Number(b), Number(literal));
      }
      case 'boolean':
        return literalBoolean === undefined ? undefined : order(Number(value), Number(literalBoolean));
      default:
        return typeof literal === 'string' ? order(asText(value), literal) : undefined;
    }
  };
}

/** An instant in epoch milliseconds: numbers as they are, strings parsed as ISO-8601. */
export function asInstant(value: JsonValue | Literal): number | undefined {
  const t = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(t) ? undefined : t;
}

function comparer(literal: Literal, domain: Domain): Comparer {
  switch (domain) {
    case 'json':
      return jsonComparer(literal);
    case 'text': {
      const text = String(literal);
      return (value) => (typeof value === 'string' ? order(value, text) : undefined);
    }
    case 'enum': {
      const text = String(literal).toLowerCase();
      return (value) => (typeof value === 'string' ? order(value.toLowerCase(), text) : undefined);
    }
    case 'time': {
      const at = asInstant(literal);
      return (value) => {
        const t = asInstant(value);
        return t === undefined || at === undefined ? undefined : order(t, at);
      };
    }
  }
}

const OUTCOMES: Record<Comparator, (c: number) => boolean> = {
  '=': (c) => c === 0,
  '!=': (c) => c !== 0,
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
};

export const present = (value: FieldValue): value is JsonValue => value !== undefined && value !== null;

/**
 * `field <op> literal` for one value. A missing value satisfies no comparison (not even !=);
 * values of different kinds (a number and the text 'tree') are unequal and unordered.
 */
export function comparisonTest(op: Comparator, literal: Literal, domain: Domain): (value: FieldValue) => boolean {
  const compare = comparer(literal, domain);
  const outcome = OUTCOMES[op];
  const incomparable = op === '!=';
  return (value) => {
    if (!present(value)) return false;
    const c = compare(value);
    return c === undefined ? incomparable : outcome(c);
  };
}

/** `field [NOT] IN (...)` for one value; a missing value is in no list and not outside one either. */
export function membershipTest(literals: readonly Literal[], negated: boolean, domain: Domain): (value: FieldValue) => boolean {
  const comparers = literals.map((l) => comparer(l, domain));
  return (value) => {
    if (!present(value)) return false;
    const found = comparers.some((compare) => compare(value) === 0);
    return found !== negated;
  };
}

/** `field [NOT] LIKE / ILIKE pattern` for one value, on its text; status, mode and kind match case-insensitively. */
export function likeTest(pattern: string, escape: string, caseInsensitive: boolean, negated: boolean, domain: Domain): (value: FieldValue) => boolean {
  const matches = likeMatcher(pattern, escape, caseInsensitive || domain === 'enum');
  return (value) => present(value) && matches(asText(value)) !== negated;
}

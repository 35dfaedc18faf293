import { QueryParseError, type QueryPart } from './query-parse-error.js';

/** One segment of a dotted field name: `metrics`, `loss`, or a quoted `my-metric`. */
export interface NameSegment {
  name: string;
  quoted: boolean;
  start: number;
}

export type Token =
  | { type: 'word'; text: string; start: number }
  | { type: 'field'; text: string; start: number; segments: NameSegment[] }
  | { type: 'number'; text: string; start: number; value: number }
  | { type: 'string'; text: string; start: number; value: string }
  | { type: 'op' | '(' | ')' | ','; text: string; start: number }
  | { type: 'eof'; text: ''; start: number };

const WORD_START = /[A-Za-z_]/;
const WORD_CHAR = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/;
const OPERATORS = ['<=', '>=', '!=', '<>', '==', '=', '<', '>'];

/**
 * Splits a query into tokens. Strings are SQL-style: single or double quotes,
 * the quote doubled to include it (`'it''s'`); backslashes are kept as written
 * so LIKE patterns can use them as escapes. Field names are one token:
 * `metrics.loss.min`, metrics.`my-metric`, tags."mlflow.user".
 */
export function tokenize(text: string, part: QueryPart = 'filter'): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (at: number, token: string, reason: string): never => {
    throw new QueryParseError(text, at, token, reason, part);
  };

  const quoted = (start: number, quote: string, what: string): [string, number] => {
    let value = '';
    let j = start + 1;
    for (;;) {
      if (j >= text.length) fail(start, text.slice(start), `unterminated ${what}: close it with ${quote}`);
      const c = text[j]!;
      if (c === quote) {
        if (text[j + 1] === quote) {
          value += quote;
          j += 2;
          continue;
        }
        return [value, j + 1];
      }
      value += c;
      j++;
    }
  };

  const segment = (at: number): [NameSegment, number] => {
    const c = text[at];
    if (c === '`' || c === '"') {
      const [name, end] = quoted(at, c, 'quoted name');
      if (name === '') fail(at, text.slice(at, end), 'a quoted name must not be empty');
      return [{ name, quoted: true, start: at }, end];
    }
    let j = at;
    while (j < text.length && WORD_CHAR.test(text[j]!)) j++;
    if (j === at) fail(at, c === undefined || /\s/.test(c) ? '' : c, `expected a name after '.', e.g. metrics.rmse or metrics.\`my-metric\``);
    const next = text[j];
    if (next !== undefined && /[-/:@#$]/.test(next) && WORD_CHAR.test(text[j + 1] ?? '')) {
      let end = j;
      while (end < text.length && /[A-Za-z0-9_\-/:@#$]/.test(text[end]!)) end++;
      const name = text.slice(at, end);
      fail(at, name, `a name with special characters must be quoted with backticks: \`${name}\``);
    }
    return [{ name: text.slice(at, j), quoted: false, start: at }, j];
  };

  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: c, text: c, start });
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op !== undefined) {
      tokens.push({ type: 'op', text: op, start });
      i += op.length;
      continue;
    }
    if (c === "'" || c === '"') {
      const [value, end] = quoted(i, c, 'string');
      tokens.push({ type: 'string', text: text.slice(start, end), start, value });
      i = end;
      continue;
    }
    const number = DIGIT.test(c) || c === '.' || c === '-' || c === '+' ? NUMBER.exec(text.slice(i)) : null;
    if (number !== null) {
      const raw = number[0];
      if (WORD_CHAR.test(text[i + raw.length] ?? '')) {
        let end = i + raw.length;
        while (end < text.length && WORD_CHAR.test(text[end]!)) end++;
        fail(start, text.slice(start, end), `'${text.slice(start, end)}' is not a number; quote text values: '${text.slice(start, end)}'`);
      }
      const value = Number(raw);
      if (!Number.isFinite(value)) fail(start, raw, `the number ${raw} is out of range`);
      tokens.push({ type: 'number', text: raw, start, value });
      i += raw.length;
      continue;
    }
    if (WORD_START.test(c)) {
      let j = i;
      while (j < text.length && WORD_CHAR.test(text[j]!)) j++;
      if (text[j] !== '.') {
        tokens.push({ type: 'word', text: text.slice(start, j), start });
        i = j;
        continue;
      }
      const segments: NameSegment[] = [{ name: text.slice(start, j), quoted: false, start }];
      while (text[j] === '.') {
        const [seg, end] = segment(j + 1);
        segments.push(seg);
        j = end;
      }
      tokens.push({ type: 'field', text: text.slice(start, j), start, segments });
      i = j;
      continue;
    }
    fail(start, c, c === '`' ? 'backticks quote the name after a prefix, e.g. metrics.`my-metric`' : `unexpected character '${c}'`);
  }
  tokens.push({ type: 'eof', text: '', start: text.length });
  return tokens;
}

import { DotscienceError } from '../errors/store-errors.js';

/** Where a query went wrong: 1-based line and column of the offending token. */
export interface QueryPosition {
  line: number;
  column: number;
}

export function positionAt(text: string, offset: number): QueryPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** What the text was: a filter (which may end in ORDER BY) or the order keys of a sort option alone. */
export type QueryPart = 'filter' | 'sort';

/**
 * A run query that cannot be parsed. The message starts with the position
 * ("column 17: …", or "line 2, column 5: …" for multi-line queries), after
 * "in the sort, " when the text was a sort; `render()` shows the offending
 * line with a caret under the token for CLIs.
 */
export class QueryParseError extends DotscienceError {
  readonly code = 'QUERY_PARSE';
  readonly line: number;
  readonly column: number;
  /** The position and the reason, without naming the part: "column 17: …". */
  readonly located: string;

  constructor(
    /** The whole query text. */
    readonly query: string,
    /** 0-based offset of the offending token in `query`. */
    readonly offset: number,
    /** The offending token as written; '' at the end of the query. */
    readonly token: string,
    /** What is wrong and what to write instead, without the position. */
    readonly reason: string,
    /** Which text `query` is. */
    readonly part: QueryPart = 'filter',
  ) {
    const { line, column } = positionAt(query, offset);
    const located = `${query.includes('\n') ? `line ${line}, column ${column}` : `column ${column}`}: ${reason}`;
    super(part === 'sort' ? `in the sort, ${located}` : located);
    this.line = line;
    this.column = column;
    this.located = located;
  }

  /** The offending line, a caret under the token, and the message. */
  render(): string {
    const lineText = this.query.split('\n')[this.line - 1] ?? '';
    const width = Math.max(1, Math.min(this.token.length, lineText.length - (this.column - 1)));
    const indent = lineText.slice(0, this.column - 1).replace(/[^\t]/g, ' ');
    return `${lineText}\n${indent}${'^'.repeat(width)}\n${this.message}`;
  }
}

export * from './ast.js';
export { QueryParseError, type QueryPart, type QueryPosition } from './query-parse-error.js';
export { parseQuery, parseSortKeys, MAX_QUERY_CONDITIONS, MAX_QUERY_NESTING } from './query-parser.js';
export { printQuery, printField, printLiteral } from './query-printer.js';
export { compileQuery, type RunPredicate } from './query-compiler.js';
export { sortRuns } from './query-order.js';
export { runQuery, selectionQuery, RunQueryOptionsSchema, type RunQueryOptions } from './run-query.js';
export { FIELD_PREFIXES } from './field-names.js';

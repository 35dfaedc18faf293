export { SqliteRunReadModel, type SqliteRunReadModelOptions } from './sqlite-run-read-model.js';
export { runQuerySql, type RunQuerySql } from './run-query-sql.js';
export { SqliteProvenanceReadModel } from './sqlite-provenance-read-model.js';

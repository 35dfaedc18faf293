import { runsProjection } from '@dotscience/core';
import { ATTRIBUTE_NAMES } from '@dotscience/core/store-kit';
import { PROJECTION_ENTRIES_TABLES } from './projection-entries.js';
import { ENTITY_INDEXES, PROVENANCE_STATES_VERSION } from './provenance-states.js';

/**
 * The read model's tables. Bump SCHEMA_REVISION when they or the way rows are
 * derived change; a file of another revision (or of another runs projection
 * version) is rebuilt from the log.
 *
 * A value is kept as three columns, `<name>_num` (the number it compares as, if
 * any), `<name>_txt` (the text it compares as) and `<name>_json` (the value, NULL
 * when the run has none). Attributes (one value per run) are columns of `runs`;
 * a metric's aggregates are one row of `run_metrics`; an input, output or model
 * is one row of `run_items`; parameters, labels and summary values, of any name,
 * are rows of `run_fields` (docs/decisions.md, "The read model's rows").
 */
const SCHEMA_REVISION = 8;
export const READ_MODEL_VERSION = `${SCHEMA_REVISION}.${runsProjection.version}.${PROVENANCE_STATES_VERSION}`;

/** The properties a row of run_items can hold (an input's or output's, a model's). */
export const ITEM_PROPERTIES = ['path', 'dataset', 'digest', 'store', 'kind', 'bytes', 'files', 'name', 'framework'] as const;
export const METRIC_AGGREGATE_COLUMNS = ['last', 'min', 'max'] as const;

const valueColumns = (name: string): string => `${name}_num REAL, ${name}_txt TEXT, ${name}_json TEXT`;

/**
 * The indexes queries use (by value, newest first, listed). A build from an empty file drops them and
 * creates them once at its end (one sort instead of a B-tree insert per row);
 * opening the file creates any that are missing, so a build killed midway
 * leaves a file that answers the same, only slower until then.
 */
export const READ_MODEL_VALUE_INDEX_DDL = `
CREATE INDEX IF NOT EXISTS runs_newest ON runs (started_ms DESC, started_position DESC, run_id);
CREATE INDEX IF NOT EXISTS runs_listed ON runs (deleted, archived, wrapper);
CREATE INDEX IF NOT EXISTS run_fields_by_number ON run_fields (field, num) WHERE num IS NOT NULL;
CREATE INDEX IF NOT EXISTS run_fields_by_text ON run_fields (field, txt);
CREATE INDEX IF NOT EXISTS run_metrics_runs_by_last ON run_metrics (name, last_num, run);
`;

/** The column of `runs` an attribute's value is kept in (as `<column>_num`, `_txt`, `_json`). */
export const attributeColumn = (name: string): string => `a_${name}`;

export const READ_MODEL_TABLES = `
CREATE TABLE IF NOT EXISTS read_model (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS runs (
  rid INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL UNIQUE,
  started_ms REAL,
  started_position INTEGER NOT NULL,
  parent TEXT,
  is_workload INTEGER NOT NULL,
  wrapper INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL,
  archived INTEGER NOT NULL,
  ${ATTRIBUTE_NAMES.map((name) => valueColumns(attributeColumn(name))).join(',\n  ')},
  view TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_parent ON runs (parent) WHERE parent IS NOT NULL;
CREATE TABLE IF NOT EXISTS run_fields (
  run INTEGER NOT NULL,
  field TEXT NOT NULL,
  num REAL,
  txt TEXT NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (run, field)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS run_metrics (
  run INTEGER NOT NULL,
  name TEXT NOT NULL,
  ${METRIC_AGGREGATE_COLUMNS.map(valueColumns).join(',\n  ')},
  count INTEGER NOT NULL,
  PRIMARY KEY (run, name)
);
CREATE TABLE IF NOT EXISTS run_items (
  run INTEGER NOT NULL,
  scope TEXT NOT NULL,
  seq INTEGER NOT NULL,
  ${ITEM_PROPERTIES.map(valueColumns).join(',\n  ')},
  PRIMARY KEY (run, scope, seq)
);
CREATE TABLE IF NOT EXISTS run_data_paths (
  run INTEGER NOT NULL,
  path TEXT NOT NULL,
  cwd TEXT NOT NULL,
  PRIMARY KEY (run, path, cwd)
) WITHOUT ROWID;
-- Files of revision 6 have this index without the run column, which made a filter on a metric read a row per match.
DROP INDEX IF EXISTS run_metrics_by_last;
${READ_MODEL_VALUE_INDEX_DDL}
${PROJECTION_ENTRIES_TABLES}
${ENTITY_INDEXES}`;

export const READ_MODEL_VALUE_INDEXES = ['runs_newest', 'runs_listed', 'run_fields_by_number', 'run_fields_by_text', 'run_metrics_runs_by_last'] as const;

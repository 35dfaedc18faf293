import { runsProjection } from '@dotscience/core';
import { PROJECTION_ENTRIES_TABLES } from './projection-entries.js';
import { PROVENANCE_STATES_VERSION } from './provenance-states.js';

/**
 * The read model's tables. Bump SCHEMA_REVISION when they or the way rows are
 * derived change; a file of another revision (or of another runs projection
 * version) is rebuilt from the log.
 */
const SCHEMA_REVISION = 2;
export const READ_MODEL_VERSION = `${SCHEMA_REVISION}.${runsProjection.version}.${PROVENANCE_STATES_VERSION}`;

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
  view TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_newest ON runs (started_ms DESC, started_position DESC, run_id);
CREATE INDEX IF NOT EXISTS runs_parent ON runs (parent) WHERE parent IS NOT NULL;
CREATE TABLE IF NOT EXISTS run_fields (
  run INTEGER NOT NULL,
  field TEXT NOT NULL,
  seq INTEGER NOT NULL,
  num REAL,
  txt TEXT NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (run, field, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS run_fields_by_number ON run_fields (field, num) WHERE num IS NOT NULL;
CREATE INDEX IF NOT EXISTS run_fields_by_text ON run_fields (field, txt);
CREATE TABLE IF NOT EXISTS metric_names (name TEXT PRIMARY KEY) WITHOUT ROWID;
${PROJECTION_ENTRIES_TABLES}`;

export const READ_MODEL_CONTENT_TABLES = ['runs', 'run_fields', 'metric_names', 'read_model', 'projection_entries'] as const;

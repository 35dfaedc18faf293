import type Database from 'better-sqlite3';

/**
 * Records nested in a record's entries (D185), kept in `projection_entries` like any record: the
 * record under an entry is named `#<id>`, the entry's row id (no record the projections name starts
 * with `#`), so a nested row costs a short name however long the keys above it are; the entry itself
 * holds this value.
 */
export const NESTED_ENTRY = '{}';

/** The name of the record nested under the entry of row `rowId`. */
export const nestedRecordName = (rowId: number): string => `#${rowId}`;

/**
 * Removes the rows of a nested record (given its name) and of every record nested under them, at
 * any depth: a row's own nested record is named by its id (a row that holds none names no rows).
 */
export const REMOVE_NESTED_SQL = `
WITH RECURSIVE nested(record) AS (
  SELECT ?
  UNION ALL
  SELECT '#' || e.id FROM projection_entries e JOIN nested n ON e.record = n.record
)
DELETE FROM projection_entries WHERE record IN (SELECT record FROM nested)`;

/** The statements that write and remove nested records. */
export interface NestedStatements {
  upsert: Database.Statement;
  /** `record`, `key` → the row's `id` and `value`. */
  select: Database.Statement;
  /** REMOVE_NESTED_SQL. */
  removeNested: Database.Statement;
}

/** A plain copy of a nested record `levels` deep (what a record read from rows holds, detached from them). */
export function plainCopy(record: Record<string, unknown>, levels: number): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    const entry = levels > 0 ? plainCopy(value as Record<string, unknown>, levels - 1) : value;
    Object.defineProperty(copy, key, { value: entry, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/** Writes every entry of `value` as the rows of record `record`, `levels` deep (0: its values are JSON). */
export function writeNestedWhole(statements: NestedStatements, record: string, value: unknown, levels: number): void {
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    statements.upsert.run(record, key, levels > 0 ? NESTED_ENTRY : JSON.stringify(entry), null, null);
    if (levels === 0) continue;
    const { id } = statements.select.get(record, key) as { id: number };
    writeNestedWhole(statements, nestedRecordName(id), entry, levels - 1);
  }
}

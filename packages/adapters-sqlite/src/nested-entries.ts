import type Database from 'better-sqlite3';

/**
 * Records nested in a record's entries (D185), kept in `projection_entries` like any record: the
 * record under entry `k` of record `R` is named `R/["k"]`, the one under its entry `k2`
 * `R/["k","k2"]` (the keys from the outermost record, as JSON, so any key spells one name), and
 * the entry that holds a nested record has this value.
 */
export const NESTED_ENTRY = '{}';

/** The name of the record nested under entry `key` of record `record`. */
export function nestedRecordName(record: string, key: string): string {
  const slash = record.indexOf('/');
  // Outermost records are named by the projection (ENTRY_RECORDS), never with a slash.
  if (slash < 0) return `${record}/${JSON.stringify([key])}`;
  const path = JSON.parse(record.slice(slash + 1)) as string[];
  return `${record.slice(0, slash)}/${JSON.stringify([...path, key])}`;
}

/**
 * The bounds of the records nested under entry `key` of `record`, at every depth, for
 * `record = ? OR (record >= ? AND record < ?)`: the record under it, named `…"key"]`, and those
 * under its entries, named `…"key",…`. A key's closing quote is in the prefix, so a key that
 * merely starts the same is not taken.
 */
export function descendantRecords(record: string, key: string): [string, string, string] {
  const child = nestedRecordName(record, key);
  const prefix = child.slice(0, -1);
  return [child, `${prefix},`, `${prefix}-`];
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
export function writeNestedWhole(upsert: Database.Statement, record: string, value: unknown, levels: number): void {
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    upsert.run(record, key, levels > 0 ? NESTED_ENTRY : JSON.stringify(entry), null, null);
    if (levels > 0) writeNestedWhole(upsert, nestedRecordName(record, key), entry, levels - 1);
  }
}

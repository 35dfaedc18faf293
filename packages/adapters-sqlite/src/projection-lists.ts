import type Database from 'better-sqlite3';
import { FIND_NEWEST_WITH_IDENTITY } from '@dotscience/core/store-kit';

/**
 * The items of the long lists of projection entries, one row each (docs/decisions.md D171): a model's or
 * dataset's versions and history grow by one item per version, so the entry keeps only their lengths and an
 * append writes one row. `field` names the list in the entry's value ('' when the value is the list);
 * `identity` is what a self-indexed list of versions is looked up by (FIND_NEWEST_WITH_IDENTITY).
 */
export const PROJECTION_LIST_TABLES = `
CREATE TABLE IF NOT EXISTS projection_list_items (
  record TEXT NOT NULL,
  key TEXT NOT NULL,
  field TEXT NOT NULL,
  seq INTEGER NOT NULL,
  value TEXT NOT NULL,
  identity TEXT,
  PRIMARY KEY (record, key, field, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS projection_list_items_by_identity ON projection_list_items (record, key, field, identity, seq) WHERE identity IS NOT NULL;
`;

/** The fields of a record's values kept as lists of rows ('': the value itself), each with its items' identity (null: none). */
export type ListFields = Readonly<Record<string, ((item: never) => string | null) | null>>;

/** Where a list's rows are. */
export interface ListAddress {
  readonly record: string;
  readonly key: string;
  readonly field: string;
}

export interface ListStatements {
  item: Database.Statement;
  items: Database.Statement;
  newest: Database.Statement;
  put: Database.Statement;
  cut: Database.Statement;
  removeKey: Database.Statement;
}

export function listStatements(db: Database.Database): ListStatements {
  const at = 'record = ? AND key = ? AND field = ?';
  return {
    item: db.prepare(`SELECT value FROM projection_list_items WHERE ${at} AND seq = ?`).pluck(),
    items: db.prepare(`SELECT seq, value FROM projection_list_items WHERE ${at} ORDER BY seq`),
    newest: db.prepare(`SELECT max(seq) FROM projection_list_items WHERE ${at} AND identity = ?`).pluck(),
    put: db.prepare('INSERT OR REPLACE INTO projection_list_items (record, key, field, seq, value, identity) VALUES (?, ?, ?, ?, ?, ?)'),
    cut: db.prepare(`DELETE FROM projection_list_items WHERE ${at} AND seq >= ?`),
    removeKey: db.prepare('DELETE FROM projection_list_items WHERE record = ? AND key = ?'),
  };
}

/** Items read one by one from a list before the rest are read in one query (a scan, a sort). */
const READ_ONE_BY_ONE = 64;

const indexOf = (key: string | symbol): number | undefined => {
  if (typeof key !== 'string' || key.length === 0 || key.charCodeAt(0) < 48 || key.charCodeAt(0) > 57) return undefined;
  const n = Number(key);
  return Number.isInteger(n) && String(n) === key ? n : undefined;
};

/**
 * A list kept as rows, read item by item when a handler looks at it: an array (a proxy of one) that the
 * projections' handlers push to, look up, sort and change in place like any other. `write` stores the
 * items changed or added since it was read.
 */
export class StoredList {
  private readonly target: unknown[] = [];
  readonly proxy: unknown[];
  /** Index → the stored JSON of the items read (or replaced) since the list was read. */
  private readonly read = new Map<number, string>();
  /** Identity → the newest index of an item appended since the list was read. */
  private readonly appended = new Map<string, number>();
  /** An item was replaced or removed, or the list cut: the stored identities may be out of place, so look-ups scan. */
  private moved = false;

  constructor(
    readonly at: ListAddress,
    /** How many items the rows hold. */
    private readonly stored: number,
    private readonly identity: ((item: never) => string | null) | null,
    private readonly statements: ListStatements,
  ) {
    this.target.length = stored;
    this.proxy = new Proxy(this.target, {
      get: (target, key) => {
        if (key === FIND_NEWEST_WITH_IDENTITY && this.identity !== null) return (identity: string) => this.newest(identity);
        this.loadKey(key);
        return Reflect.get(target, key);
      },
      has: (target, key) => (this.loadKey(key), Reflect.has(target, key)),
      getOwnPropertyDescriptor: (target, key) => (this.loadKey(key), Reflect.getOwnPropertyDescriptor(target, key)),
      set: (target, key, value) => (this.changing(key, value), Reflect.set(target, key, value)),
      defineProperty: (target, key, descriptor) => (this.changing(key, descriptor.value), Reflect.defineProperty(target, key, descriptor)),
      deleteProperty: (target, key) => (this.changing(key, undefined), Reflect.deleteProperty(target, key)),
      ownKeys: (target) => (this.loadAll(), Reflect.ownKeys(target)),
    });
  }

  /** Before `key` is set to `value` (or removed): an item added at the end is indexed by identity; any other change makes look-ups scan. */
  private changing(key: string | symbol, value: unknown): void {
    if (key === 'length') {
      if (Number(value) < this.target.length) this.moved = true;
      return;
    }
    const i = indexOf(key);
    if (i === undefined) return;
    const appending = i >= this.target.length;
    // The stored item is remembered, so that `write` compares against it and `loadAll` does not bring it back.
    this.load(i);
    const identity = appending ? this.identity?.(value as never) : undefined;
    if (!appending) this.moved = true;
    else if (identity !== null && identity !== undefined) this.appended.set(identity, i);
  }

  /** Items held in memory until the next write. */
  get held(): number {
    return this.read.size + Math.max(0, this.target.length - this.stored);
  }

  /** Reads the item `key` names, if it is one of the list's (not one past a cut). */
  private loadKey(key: string | symbol): void {
    const i = indexOf(key);
    if (i !== undefined && i < this.target.length) this.load(i);
  }

  private load(i: number): void {
    if (i >= this.stored || this.read.has(i)) return;
    if (this.read.size >= READ_ONE_BY_ONE && i < this.target.length) return this.loadAll();
    const { record, key, field } = this.at;
    const json = this.statements.item.get(record, key, field, i) as string;
    this.read.set(i, json);
    this.target[i] = JSON.parse(json);
  }

  /** Reads every stored item not read yet (those removed since stay removed). */
  loadAll(): void {
    if (this.read.size >= this.stored) return;
    const { record, key, field } = this.at;
    for (const row of this.statements.items.iterate(record, key, field) as Iterable<{ seq: number; value: string }>) {
      if (row.seq >= this.stored || row.seq >= this.target.length || this.read.has(row.seq)) continue;
      this.read.set(row.seq, row.value);
      this.target[row.seq] = JSON.parse(row.value);
    }
  }

  /** The newest item of an identity: what scanning from the end finds, by the rows' index unless items moved. */
  private newest(identity: string): unknown {
    if (this.moved) {
      for (let i = this.target.length - 1; i >= 0; i--) {
        const item = this.proxy[i];
        if (this.identity!(item as never) === identity) return item;
      }
      return undefined;
    }
    const appended = this.appended.get(identity);
    if (appended !== undefined) return this.proxy[appended];
    const { record, key, field } = this.at;
    const seq = this.statements.newest.get(record, key, field, identity) as number | null;
    return seq === null ? undefined : this.proxy[seq];
  }

  /** Stores the items changed or added, and cuts the rows past the list's end. */
  write(): void {
    const { record, key, field } = this.at;
    const length = this.target.length;
    if (length < this.stored) this.statements.cut.run(record, key, field, length);
    for (const [i, before] of this.read) {
      if (i >= length) continue;
      const json = JSON.stringify(this.target[i]) ?? 'null';
      if (json !== before) this.putItem(i, json);
    }
    for (let i = this.stored; i < length; i++) this.putItem(i, JSON.stringify(this.target[i]) ?? 'null');
  }

  private putItem(i: number, json: string): void {
    const { record, key, field } = this.at;
    this.statements.put.run(record, key, field, i, json, this.identity?.(this.target[i] as never) ?? null);
  }
}

/** Stores a list whole as the rows of `at` (a new entry's, or one whose rows are to be replaced). */
export function writeWholeList(
  statements: ListStatements,
  at: ListAddress,
  items: readonly unknown[],
  identity: ((item: never) => string | null) | null,
): void {
  statements.cut.run(at.record, at.key, at.field, 0);
  items.forEach((item, i) => statements.put.run(at.record, at.key, at.field, i, JSON.stringify(item) ?? 'null', identity?.(item as never) ?? null));
}

/** An entry's value as stored: each list replaced by its length. */
export function headOf(value: unknown, fields: ListFields): unknown {
  if (Object.hasOwn(fields, '')) return Array.isArray(value) ? value.length : value;
  if (typeof value !== 'object' || value === null) return value;
  const head: Record<string, unknown> = { ...value };
  for (const field of Object.keys(fields)) if (Array.isArray(head[field])) head[field] = (head[field] as unknown[]).length;
  return head;
}

/** The lists of an entry's value, each with its field. */
export function listsOf(value: unknown, fields: ListFields): Array<{ field: string; list: unknown[] }> {
  if (Object.hasOwn(fields, '')) return Array.isArray(value) ? [{ field: '', list: value }] : [];
  if (typeof value !== 'object' || value === null) return [];
  const lists: Array<{ field: string; list: unknown[] }> = [];
  for (const field of Object.keys(fields)) {
    const list = (value as Record<string, unknown>)[field];
    if (Array.isArray(list)) lists.push({ field, list });
  }
  return lists;
}

/** A stored head with its lists as `expand` makes them: a head's length is a list of that many items. */
export function expandHead(head: unknown, fields: ListFields, list: (field: string, length: number) => unknown[]): unknown {
  if (Object.hasOwn(fields, '')) return typeof head === 'number' ? list('', head) : head;
  if (typeof head !== 'object' || head === null) return head;
  const value = head as Record<string, unknown>;
  for (const field of Object.keys(fields)) if (typeof value[field] === 'number') value[field] = list(field, value[field]);
  return value;
}

/** An entry's whole value, its lists read from their rows (what a reader returns). */
export function wholeEntry(statements: ListStatements, record: string, key: string, json: string, fields: ListFields | undefined): unknown {
  const head = JSON.parse(json) as unknown;
  if (fields === undefined) return head;
  return expandHead(head, fields, (field) =>
    (statements.items.all(record, key, field) as Array<{ value: string }>).map((row) => JSON.parse(row.value) as unknown),
  );
}

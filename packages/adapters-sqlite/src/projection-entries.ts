import type Database from 'better-sqlite3';
import {
  PROJECTION_LIST_TABLES,
  expandHead,
  headOf,
  listsOf,
  listStatements,
  StoredList,
  writeWholeList,
  type ListFields,
  type ListStatements,
} from './projection-lists.js';
import { nestedRecordName, plainCopy, REMOVE_NESTED_SQL, writeNestedWhole, NESTED_ENTRY, type NestedStatements } from './nested-entries.js';

/**
 * The table of projection states kept by key (docs/decisions.md D118): each
 * entry of a keyed record of a state (a dataset by name, a PROV relation by its
 * key, ...) is one row, its value as JSON, `a` / `b` the ends a query looks it
 * up by. `id` keeps the order entries were first added, which is the order of
 * the keys of the projection's own state object.
 */
export const PROJECTION_ENTRIES_TABLES = `
CREATE TABLE IF NOT EXISTS projection_entries (
  id INTEGER PRIMARY KEY,
  record TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  a TEXT,
  b TEXT,
  UNIQUE (record, key)
);
CREATE INDEX IF NOT EXISTS projection_entries_by_a ON projection_entries (record, a) WHERE a IS NOT NULL;
CREATE INDEX IF NOT EXISTS projection_entries_by_b ON projection_entries (record, b) WHERE b IS NOT NULL;
${PROJECTION_LIST_TABLES}`;

/** The ends an entry is looked up by (e.g. a relation's two nodes, an entity's name); null where none. */
export type EntryEnds = (value: never) => readonly [string | null, string | null];

interface Statements extends NestedStatements {
  selectAll: Database.Statement;
  remove: Database.Statement;
  lists: ListStatements;
}

class RecordEntries {
  /** The entries read or written since the last write: own properties are present, the rest absent. */
  private readonly target: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  /** Each touched key → its stored JSON when read (null: no row). */
  private readonly stored = new Map<string, string | null>();
  /**
   * Keys added (absent, then set) since the last write, in the order they were added: as a plain object orders its
   * keys, a key deleted and set again moves to the end, so it gets a new row (and id) at the end too.
   */
  private readonly added = new Set<string>();
  /** The lists kept as rows that were read since the last write, by entry key. */
  private readonly storedLists = new Map<string, StoredList[]>();
  /** Each of those lists by its proxy: what a value holds when a handler kept the list it read. */
  private readonly listByProxy = new WeakMap<unknown[], StoredList>();
  /** A nested record's entries read since the last write (levels > 0), by key: the value its entry holds. */
  private readonly children = new Map<string, RecordEntries>();
  /** The row ids of the entries read that hold nested records (levels > 0), which name those records. */
  private readonly rowIds = new Map<string, number>();
  readonly proxy: Record<string, unknown>;

  constructor(
    private readonly name: string,
    private readonly ends: EntryEnds | undefined,
    private readonly lists: ListFields | undefined,
    private readonly statements: Statements,
    /** How many levels of keyed records the values are (D185): 0, JSON values; 1, records of JSON values; … */
    private readonly levels = 0,
  ) {
    const found = (key: string, row: { id: number; value: string } | undefined): void => {
      this.stored.set(key, row?.value ?? null);
      if (row === undefined) return;
      if (this.levels > 0) this.rowIds.set(key, row.id);
      Object.defineProperty(this.target, key, { value: this.parsed(key, row), enumerable: true, writable: true, configurable: true });
    };
    const load = (key: string | symbol): void => {
      if (typeof key !== 'string' || this.stored.has(key)) return;
      found(key, this.statements.select.get(this.name, key) as { id: number; value: string } | undefined);
    };
    const written = (target: Record<string, unknown>, key: string | symbol): void => {
      if (typeof key !== 'string') return;
      load(key);
      if (!Object.hasOwn(target, key)) {
        this.added.delete(key);
        this.added.add(key);
      }
    };
    this.proxy = new Proxy(this.target, {
      get: (target, key) => (load(key), Reflect.get(target, key)),
      has: (target, key) => (load(key), Reflect.has(target, key)),
      getOwnPropertyDescriptor: (target, key) => (load(key), Reflect.getOwnPropertyDescriptor(target, key)),
      set: (target, key, value) => (written(target, key), Reflect.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })),
      defineProperty: (target, key, descriptor) => (written(target, key), Reflect.defineProperty(target, key, descriptor)),
      deleteProperty: (target, key) => (load(key), typeof key === 'string' && this.added.delete(key), Reflect.deleteProperty(target, key)),
      ownKeys: (target) => {
        // A handler that lists a keyed record must see all of it, not only the entries read so far: every row is read
        // first (entries this catch-up removed stay removed). Only rare steps list (renaming a settled entity, D125).
        for (const row of this.statements.selectAll.all(this.name) as Array<{ id: number; key: string; value: string }>)
          if (!this.stored.has(row.key)) found(row.key, row);
        return Reflect.ownKeys(target);
      },
    });
  }

  /** An entry's stored value, its lists (D171) read item by item when looked at, or the record nested under it. */
  private parsed(key: string, row: { id: number; value: string }): unknown {
    if (this.levels > 0) return this.child(key, row.id).proxy;
    const head = JSON.parse(row.value) as unknown;
    if (this.lists === undefined) return head;
    return expandHead(head, this.lists, (field, length) => {
      const list = new StoredList({ record: this.name, key, field }, length, this.lists![field] ?? null, this.statements.lists);
      this.storedLists.set(key, [...(this.storedLists.get(key) ?? []), list]);
      this.listByProxy.set(list.proxy, list);
      return list.proxy;
    });
  }

  /** The record nested under `key`'s entry, the row `rowId`. */
  private child(key: string, rowId: number): RecordEntries {
    let child = this.children.get(key);
    if (child === undefined) {
      child = new RecordEntries(nestedRecordName(rowId), undefined, undefined, this.statements, this.levels - 1);
      this.children.set(key, child);
    }
    return child;
  }

  get touched(): number {
    let held = this.stored.size;
    for (const lists of this.storedLists.values()) for (const list of lists) held += list.held;
    for (const child of this.children.values()) held += child.touched;
    return held;
  }

  /** An entry's value as its row holds it: its lists, if any, by their lengths; a nested record's entry, a mark. */
  private rendered(value: unknown): string {
    if (this.levels > 0) return NESTED_ENTRY;
    return JSON.stringify(this.lists === undefined ? value : headOf(value, this.lists));
  }

  /** Removes the rows of what is nested under an entry read from rows, once: the entry is removed, or its value replaced. */
  private removeNested(key: string): void {
    const rowId = this.rowIds.get(key);
    if (rowId === undefined) return;
    this.statements.removeNested.run(nestedRecordName(rowId));
    this.rowIds.delete(key);
  }

  /**
   * Writes what is nested under an entry (its row written): the record read from rows, its changes; else (a value
   * set whole, replacing what the entry held) every entry of it.
   */
  private writeNested(key: string, value: unknown): void {
    if (this.levels === 0) return;
    const child = this.children.get(key);
    if (child !== undefined && value === child.proxy) return child.write();
    this.removeNested(key);
    const { id } = this.statements.select.get(this.name, key) as { id: number };
    writeNestedWhole(this.statements, nestedRecordName(id), value, this.levels - 1);
  }

  /** Stores an entry's lists: the items changed or added of a list read from its rows, else (`whole`) every item. */
  private writeLists(key: string, value: unknown, whole: boolean): void {
    if (this.lists === undefined) return;
    for (const { field, list } of listsOf(value, this.lists)) {
      const stored = this.listByProxy.get(list);
      if (!whole && stored !== undefined && stored.at.key === key && stored.at.field === field) stored.write();
      else writeWholeList(this.statements.lists, { record: this.name, key, field }, [...list], this.lists[field] ?? null);
    }
  }

  /** Writes the changed entries (inside the caller's transaction) and forgets them. */
  write(): void {
    // Each entry is rendered once; a long list (D171) is rendered by its length, its items each as a row of their own.
    const put = (key: string, json: string): void => {
      const [a, b] = this.ends === undefined ? [null, null] : this.ends(this.target[key] as never);
      this.statements.upsert.run(this.name, key, json, a, b);
    };
    // The lists of entries added again are read whole first: their rows are removed below and written anew.
    for (const key of this.added) for (const list of this.storedLists.get(key) ?? []) list.loadAll();
    // So are the records nested under them: a record read from rows and set again under its key is written from a copy.
    for (const key of this.added) {
      const child = this.children.get(key);
      if (child !== undefined && this.target[key] === child.proxy) this.target[key] = plainCopy(child.proxy, this.levels - 1);
    }
    // Rows removed, or removed and added again (so that they move to the end), then rows changed in place, then new rows in order.
    for (const [key, before] of this.stored) {
      if (before === null || (Object.hasOwn(this.target, key) && !this.added.has(key))) continue;
      this.statements.remove.run(this.name, key);
      if (this.lists !== undefined) this.statements.lists.removeKey.run(this.name, key);
      this.removeNested(key);
    }
    for (const [key, before] of this.stored) {
      if (before === null || !Object.hasOwn(this.target, key) || this.added.has(key)) continue;
      const json = this.rendered(this.target[key]);
      if (json !== before) put(key, json);
      this.writeLists(key, this.target[key], false);
      this.writeNested(key, this.target[key]);
    }
    for (const key of this.added) {
      if (!Object.hasOwn(this.target, key)) continue;
      put(key, this.rendered(this.target[key]));
      this.writeLists(key, this.target[key], true);
      this.writeNested(key, this.target[key]);
    }
    this.forget();
  }

  /** Drops what was read or written without writing it (a catch-up that starts again). */
  forget(): void {
    for (const key of this.stored.keys()) Reflect.deleteProperty(this.target, key);
    this.stored.clear();
    this.added.clear();
    this.storedLists.clear();
    for (const child of this.children.values()) child.forget();
    this.children.clear();
    this.rowIds.clear();
  }
}

/**
 * Keyed records of projection states backed by `projection_entries`: a record
 * reads an entry from the table the first time a handler looks at it, and
 * `write` stores the entries that changed. The projections' own handlers thus
 * evolve the state entry by entry, without the whole state in memory.
 */
export class ProjectionEntries {
  private readonly statements: Statements;
  private readonly records: RecordEntries[] = [];

  constructor(db: Database.Database) {
    this.statements = {
      select: db.prepare('SELECT id, value FROM projection_entries WHERE record = ? AND key = ?'),
      selectAll: db.prepare('SELECT id, key, value FROM projection_entries WHERE record = ? ORDER BY id'),
      upsert: db.prepare(
        `INSERT INTO projection_entries (record, key, value, a, b) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (record, key) DO UPDATE SET value = excluded.value, a = excluded.a, b = excluded.b`,
      ),
      remove: db.prepare('DELETE FROM projection_entries WHERE record = ? AND key = ?'),
      removeNested: db.prepare(REMOVE_NESTED_SQL),
      lists: listStatements(db),
    };
  }

  /** A record of a state whose entries are the table's rows of `name`; `lists`: the lists of its values kept as rows of their own. */
  record<V>(name: string, ends?: (value: V) => readonly [string | null, string | null], lists?: ListFields): Record<string, V> {
    const record = new RecordEntries(name, ends as EntryEnds | undefined, lists, this.statements);
    this.records.push(record);
    return record.proxy as Record<string, V>;
  }

  /**
   * A record whose values are keyed records themselves, `levels` deep (D185), each entry of each a row: a value
   * that grows by a key per event (the runs waiting for a dataset's content) is written by that key, not whole.
   */
  nestedRecord<V>(name: string, levels: number): Record<string, V> {
    const record = new RecordEntries(name, undefined, undefined, this.statements, levels);
    this.records.push(record);
    return record.proxy as Record<string, V>;
  }

  /** How many entries are held in memory until the next write. */
  get touched(): number {
    return this.records.reduce((n, r) => n + r.touched, 0);
  }

  write(): void {
    for (const record of this.records) record.write();
  }

  forget(): void {
    for (const record of this.records) record.forget();
  }
}

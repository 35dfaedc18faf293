import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  checkQueryFields,
  type DeclaredDataPath,
  type EventStore,
  type ReadModelCatchUp,
  type RunPage,
  type RunPageRequest,
  type RunReadModel,
  type RunView,
  type ProvenanceReadModel,
} from '@dotscience/core';
import { checkpointDiscard } from '@dotscience/core/store-kit';
import { READ_MODEL_TABLES, READ_MODEL_VALUE_INDEXES, READ_MODEL_VALUE_INDEX_DDL, READ_MODEL_VERSION } from './read-model-schema.js';
import { ENTRIES_PART, EntriesCatchUp, RUNS_PART, RunsCatchUp, type PartCatchUp, type ReadModelPart } from './read-model-parts.js';
import { RunRows } from './run-rows.js';
import { runQuerySql } from './run-query-sql.js';
import { ProvenanceStates } from './provenance-states.js';
import { SqliteProvenanceReadModel } from './sqlite-provenance-read-model.js';

export interface SqliteRunReadModelOptions {
  /** The database file, e.g. `.dotscience/read-model.sqlite`. */
  file: string;
  events: EventStore;
  /** Runs changed in memory before they are written (with the checkpoint) in one transaction. Default 2,000. */
  batchRuns?: number;
}

interface Checkpoint {
  version: string | undefined;
  position: number;
  hash: string | undefined;
}

const MEMORY = ':memory:';
/** The parts of the file, each caught up under its own checkpoint (D142). */
const READ_MODEL_PARTS = [RUNS_PART, ENTRIES_PART] as const;
/**
 * Entries (and items of their lists, D171) held in memory per run of `batchRuns` before a batch of entries is
 * written. An entry kept whole is rewritten once per batch it changes in, so larger batches cost fewer rewrites
 * of the few large ones left (a dataset's runs waiting for a content, D154).
 */
const ENTRIES_PER_RUN = 32;
/** wal_autocheckpoint while building from an empty file: 256 MiB of 4 KiB pages. */
const BUILD_CHECKPOINT_PAGES = 65_536;

/** SQLite's answers for a file it cannot create or write: full disk, I/O error, read-only, no access. */
const CANNOT_WRITE = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|PERM)/;
const cannotWrite = (error: unknown): boolean =>
  (error instanceof Database.SqliteError && CANNOT_WRITE.test(error.code)) ||
  (error as NodeJS.ErrnoException)?.code === 'ENOSPC' ||
  (error as NodeJS.ErrnoException)?.code === 'EACCES' ||
  (error as NodeJS.ErrnoException)?.code === 'EROFS';

/**
 * A file of another schema revision has other tables and columns: they are dropped
 * (one transaction) before this revision's are created, and the file is rebuilt.
 */
function dropTablesOfAnotherVersion(db: Database.Database): void {
  const versionOf = (): unknown => {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'read_model'").get() !== undefined;
    return hasTable ? (db.prepare("SELECT value FROM read_model WHERE key = 'version'").get() as { value: unknown } | undefined)?.value : undefined;
  };
  if (versionOf() === undefined || versionOf() === READ_MODEL_VERSION) return;
  db.transaction(() => {
    const version = versionOf();
    if (version === undefined || version === READ_MODEL_VERSION) return;
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>;
    for (const { name } of tables) db.exec(`DROP TABLE "${name.replaceAll('"', '""')}"`);
  }).immediate();
}

/** Another process wrote the read model while this one was catching up: start again from where that one got. */
class OvertakenCatchUp extends Error {}

/**
 * The runs projection materialized in SQLite (docs/decisions.md, "An indexed
 * read model"). Each run's RunView is kept as JSON beside its queryable values
 * (run_fields, one row per value, indexed by field and number / text); the
 * position and hash of the last event applied are written in the same
 * transaction as the rows, so the file never describes a state between two
 * events. The runs projection's own handlers evolve each run, so its rules
 * (summary values as metrics, workload exit codes, ...) are the read model's.
 * The datasets, models and provenance entries of the same file (`provenance`)
 * have a checkpoint of their own and are caught up only by their reads (D142).
 */
export class SqliteRunReadModel implements RunReadModel {
  private db: Database.Database;
  private rows: RunRows;
  /** The datasets, models and provenance states (D118), written with their own checkpoint (D142). */
  private provenanceStates: ProvenanceStates;
  /** The datasets, models and lineage of the same file; its `catchUp` brings their entries (not the runs) up to date. */
  readonly provenance: ProvenanceReadModel = new SqliteProvenanceReadModel(
    () => this.db,
    () => this.catchUpPart(ENTRIES_PART),
    () => this.close(),
  );
  private readonly batchRuns: number;
  /** The catch-up running or last run (settled either way): the next one starts after it. */
  private catchingUp: Promise<unknown> = Promise.resolve();
  /** The parts caught up at least once by this process (what an in-memory fallback must build too). */
  private readonly partsCaughtUp = new Set<ReadModelPart>();
  /** The closure tests of the query being run, which `ds_value_test(i, json)` calls. */
  private valueTests: ReadonlyArray<(value: unknown) => boolean> = [];

  private constructor(
    private readonly options: SqliteRunReadModelOptions,
    private created: boolean,
  ) {
    this.db = this.connect(options.file);
    this.rows = new RunRows(this.db);
    this.provenanceStates = new ProvenanceStates(this.db);
    this.batchRuns = options.batchRuns ?? 2_000;
  }

  private connect(file: string): Database.Database {
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 10000');
      // Enough page cache for a batch's index updates; a read touches a few pages of it.
      db.pragma('cache_size = -65536');
      dropTablesOfAnotherVersion(db);
      db.exec(READ_MODEL_TABLES);
      db.function('ds_value_test', { deterministic: true }, (i, json) => (this.valueTests[Number(i)]!(JSON.parse(String(json))) ? 1 : 0));
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /**
   * Where the file cannot be written (a full disk, a read-only store), the read
   * model is built in memory for this process from the whole log, as a projection
   * whose checkpoint cannot be saved is: the command still answers.
   */
  private inMemory(): void {
    if (this.db.open) this.db.close();
    this.db = this.connect(MEMORY);
    this.rows = new RunRows(this.db);
    this.provenanceStates = new ProvenanceStates(this.db);
    this.created = true;
  }

  static open(options: SqliteRunReadModelOptions): SqliteRunReadModel {
    const created = options.file !== MEMORY && !existsSync(options.file);
    try {
      if (created) {
        // The owner's alone whatever the umask, like the rest of the store; SQLite gives its -wal / -shm files the same mode.
        mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
        closeSync(openSync(options.file, 'a', 0o600));
        chmodSync(options.file, 0o600);
      }
      return new SqliteRunReadModel(options, created);
    } catch (error) {
      if (!cannotWrite(error)) throw error;
      return new SqliteRunReadModel({ ...options, file: MEMORY }, true);
    }
  }

  private checkpoint(part: ReadModelPart): Checkpoint {
    const value = (key: string): unknown => (this.db.prepare('SELECT value FROM read_model WHERE key = ?').get(key) as { value: unknown } | undefined)?.value;
    const position = value(part.checkpoint.position);
    const hash = value(part.checkpoint.hash);
    const version = value('version');
    return {
      version: typeof version === 'string' ? version : undefined,
      position: typeof position === 'number' ? position : -1,
      hash: typeof hash === 'string' ? hash : undefined,
    };
  }

  /** Empties the given parts of the read model and their checkpoints (one transaction), so they are rebuilt from position 0. */
  private discard(parts: readonly ReadModelPart[]): void {
    this.db
      .transaction(() => {
        for (const part of parts) {
          for (const table of part.tables) this.db.exec(`DELETE FROM ${table}`);
          for (const key of part.keys) this.db.prepare('DELETE FROM read_model WHERE key = ?').run(key);
        }
        this.db.prepare("INSERT OR REPLACE INTO read_model (key, value) VALUES ('version', ?)").run(READ_MODEL_VERSION);
      })
      .immediate();
  }

  /**
   * Keeps a part when its checkpoint is the log's; otherwise discards it, with a
   * notice when it was taken on another log. A missing file (first use, or
   * deleted) is built without one: it cannot be told from a store's first read,
   * and nothing it held is lost (it is derived from the log). A file of another
   * version is discarded whole.
   */
  private async verify(part: ReadModelPart): Promise<Pick<ReadModelCatchUp, 'origin' | 'notice'>> {
    const saved = this.checkpoint(part);
    if (saved.version !== READ_MODEL_VERSION) {
      this.discard(READ_MODEL_PARTS);
      return { origin: 'rebuilt' };
    }
    if (saved.position < 0) return { origin: this.created ? 'rebuilt' : 'resumed' };
    const discard = await checkpointDiscard(
      this.options.events,
      { name: 'read-model', version: 1, position: saved.position, ...(saved.hash === undefined ? {} : { hash: saved.hash }), state: null },
      1,
    );
    if (discard === undefined) return { origin: 'resumed' };
    this.discard([part]);
    return { origin: 'rebuilt', notice: discard.notice.replace('the checkpoint of projection read-model', part.subject(this.options.file)) };
  }

  /** Brings the runs tables up to date with the log (not the datasets, models and provenance entries: `provenance.catchUp`). */
  catchUp(): Promise<ReadModelCatchUp> {
    return this.catchUpPart(RUNS_PART);
  }

  /**
   * One catch-up at a time in this instance, whichever its part: the parts share the connection, and a
   * fallback to memory replaces it (with the rows and entries it writes) under the other part's feet.
   */
  private catchUpPart(part: ReadModelPart): Promise<ReadModelCatchUp> {
    const caughtUp = this.catchingUp.then(() => this.catchUpAlone(part));
    this.catchingUp = caughtUp.catch(() => undefined);
    return caughtUp;
  }

  private async catchUpAlone(part: ReadModelPart): Promise<ReadModelCatchUp> {
    try {
      return await this.catchUpHere(part);
    } catch (error) {
      if (!cannotWrite(error) || this.db.name === MEMORY) throw error;
      this.inMemory();
      // A part this process already read from the file is built in memory too, so that it still answers.
      for (const other of READ_MODEL_PARTS) if (other !== part && this.partsCaughtUp.has(other)) await this.catchUpHere(other);
      return this.catchUpHere(part);
    }
  }

  private async catchUpHere(part: ReadModelPart): Promise<ReadModelCatchUp> {
    const { origin, notice } = await this.verify(part);
    const skipped: ReadModelCatchUp['skipped'] = [];
    const batch =
      part === RUNS_PART
        ? new RunsCatchUp(this.rows, skipped, this.batchRuns)
        : new EntriesCatchUp(this.provenanceStates, skipped, this.batchRuns * ENTRIES_PER_RUN);
    let read = 0;
    for (;;) {
      try {
        read += await this.applyTail(part, batch);
        break;
      } catch (error) {
        if (!(error instanceof OvertakenCatchUp)) throw error;
      }
    }
    // Those a build from scratch dropped (here or in a process that overtook this one); a file left without them answers the same, slower.
    if (part === RUNS_PART) this.db.exec(READ_MODEL_VALUE_INDEX_DDL);
    this.partsCaughtUp.add(part);
    return { read, position: this.checkpoint(part).position, origin, ...(notice === undefined ? {} : { notice }), skipped };
  }

  /** Applies the events after the part's checkpoint, writing each batch with the checkpoint of the last event applied. */
  private async applyTail(part: ReadModelPart, batch: PartCatchUp): Promise<number> {
    batch.forget();
    const from = this.checkpoint(part);
    // From an empty file, the value indexes are built once at the end, by sorting, rather than row by row.
    const fromScratch = from.position < 0;
    if (!fromScratch) return this.applyEvents(part, batch, from);
    if (part === RUNS_PART) for (const index of READ_MODEL_VALUE_INDEXES) this.db.exec(`DROP INDEX IF EXISTS ${index}`);
    // One checkpoint of the write-ahead log (and its fsyncs) per 256 MiB written, not per 4 MiB.
    this.db.pragma(`wal_autocheckpoint = ${BUILD_CHECKPOINT_PAGES}`);
    try {
      return await this.applyEvents(part, batch, from);
    } finally {
      this.db.pragma('wal_autocheckpoint = 1000');
    }
  }

  private async applyEvents(part: ReadModelPart, batch: PartCatchUp, from: Checkpoint): Promise<number> {
    let expected = from.position;
    let read = 0;
    let at: { position: number; hash: string } | undefined;
    const save = this.db.prepare('INSERT OR REPLACE INTO read_model (key, value) VALUES (?, ?), (?, ?)');
    const flush = (): void => {
      if (at === undefined) return;
      const upTo = at;
      this.db
        .transaction(() => {
          if (this.checkpoint(part).position !== expected) throw new OvertakenCatchUp();
          batch.write();
          save.run(part.checkpoint.position, upTo.position, part.checkpoint.hash, upTo.hash);
        })
        .immediate();
      expected = upTo.position;
      at = undefined;
    };
    for await (const e of this.options.events.readAll({ fromPosition: from.position + 1 })) {
      read++;
      batch.apply(e);
      at = { position: e.position, hash: e.hash };
      if (batch.full) flush();
    }
    flush();
    return read;
  }

  private select(request: RunPageRequest, count: boolean): { sql: string; params: Array<string | number> } {
    checkQueryFields(request.query, (name) => this.rows.hasMetric(name));
    const compiled = runQuerySql(request.query, { page: !count });
    this.valueTests = compiled.valueTests as ReadonlyArray<(value: unknown) => boolean>;
    // Deleted runs are never listed; archived ones only when asked (`ds runs --archived`), as the runs projection's callers hide them.
    // A count reads runs_listed (deleted, archived, wrapper) alone; a page walks runs_newest in its order
    // and stops at its limit, so there the terms are kept (unary +) from choosing runs_listed and a sort.
    const term = count ? 'r.' : '+r.';
    const hidden = request.archived ? `${term}deleted = 0` : `${term}deleted = 0 AND ${term}archived = 0`;
    const where = `${hidden} AND ${request.workloads ? compiled.where : `${term}wrapper = 0 AND ${compiled.where}`}`;
    if (count) return { sql: `SELECT count(*) AS n FROM runs r WHERE ${where}`, params: compiled.params.slice(compiled.params.length - countParams(compiled)) };
    return { sql: `SELECT r.view FROM runs r ${compiled.joins} WHERE ${where} ORDER BY ${compiled.orderBy}`, params: compiled.params };
  }

  async runs(request: RunPageRequest): Promise<RunPage> {
    const offset = request.offset ?? 0;
    const { sql, params } = this.select(request, false);
    const paged = request.limit === undefined ? `${sql} LIMIT -1 OFFSET ?` : `${sql} LIMIT ? OFFSET ?`;
    const pageParams = request.limit === undefined ? [...params, offset] : [...params, request.limit, offset];
    const runs = (this.db.prepare(paged).all(...pageParams) as Array<{ view: string }>).map((row) => JSON.parse(row.view) as RunView);
    const counted = this.select(request, true);
    const { n } = this.db.prepare(counted.sql).get(...counted.params) as { n: number };
    return { runs, total: n, offset };
  }

  async *eachRun(request: RunPageRequest): AsyncIterable<RunView> {
    const { sql, params } = this.select(request, false);
    const offset = request.offset ?? 0;
    const statement = this.db.prepare(`${sql} LIMIT ? OFFSET ?`);
    for (const row of statement.iterate(...params, request.limit ?? -1, offset) as Iterable<{ view: string }>) {
      yield JSON.parse(row.view) as RunView;
    }
  }

  async runIdsStartingWith(prefix: string, max: number): Promise<{ ids: string[]; total: number }> {
    return this.rows.idsStartingWith(prefix, max);
  }

  async run(runId: string): Promise<RunView | undefined> {
    return this.rows.view(runId);
  }

  async distinctPrefixLength(): Promise<number> {
    return this.rows.prefixLength();
  }

  async declaredDataPaths(): Promise<DeclaredDataPath[]> {
    return this.rows.dataPaths();
  }

  async runsOfWorkload(workloadId: string): Promise<RunView[]> {
    return this.rows.runsOfWorkload(workloadId);
  }

  async runsPerProject(): Promise<Map<string, number>> {
    return this.rows.runsPerProject();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** Parameters of the WHERE clause alone (the joins' come first and a count needs none of them). */
function countParams(compiled: ReturnType<typeof runQuerySql>): number {
  return compiled.params.length - (compiled.joins.match(/\?/g)?.length ?? 0);
}

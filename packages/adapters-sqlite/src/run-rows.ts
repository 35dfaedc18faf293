import type Database from 'better-sqlite3';
import { declaredDataPathsOf, distinctDataPaths, isWorkloadRun, parentRunOf, type DeclaredDataPath, type RunView } from '@dotscience/core';
import { asInstant } from '@dotscience/core/store-kit';
import { ATTRIBUTE_NAMES } from '@dotscience/core/store-kit';
import { ITEM_PROPERTIES, METRIC_AGGREGATE_COLUMNS, attributeColumn } from './read-model-schema.js';
import { attributeCellsOf, fieldRowsOf, itemRowsOf, metricRowsOf } from './run-fields.js';

/** Fewest leading characters of a run id shown (as `distinctPrefixLength`). */
const MINIMUM_PREFIX = 8;
/** Rows one INSERT writes at most. */
const ROWS_PER_INSERT = 32;

const valueColumnNames = (name: string): string[] => [`${name}_num`, `${name}_txt`, `${name}_json`];
const ATTRIBUTE_COLUMNS = ATTRIBUTE_NAMES.flatMap((name) => valueColumnNames(attributeColumn(name)));

/** A table's multi-row INSERT: its columns, and the statement for n rows, prepared once per n. */
class RowInsert {
  private readonly statements = new Map<number, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly table: string,
    private readonly columns: readonly string[],
  ) {}

  /** Inserts rows given as flat values, `columns.length` per row. */
  run(values: ReadonlyArray<unknown>): void {
    const width = this.columns.length;
    const rows = values.length / width;
    for (let from = 0; from < rows; from += ROWS_PER_INSERT) {
      const n = Math.min(ROWS_PER_INSERT, rows - from);
      this.statement(n).run(values.slice(from * width, (from + n) * width));
    }
  }

  private statement(n: number): Database.Statement {
    let statement = this.statements.get(n);
    if (statement === undefined) {
      const row = `(${this.columns.map(() => '?').join(', ')})`;
      statement = this.db.prepare(`INSERT INTO ${this.table} (${this.columns.join(', ')}) VALUES ${Array.from({ length: n }, () => row).join(', ')}`);
      this.statements.set(n, statement);
    }
    return statement;
  }
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && a[n] === b[n]) n++;
  return n;
}

/** The rows of runs in the read model: reading one run, writing changed runs with their values and family marks. */
export class RunRows {
  private readonly upsert: Database.Statement;
  private readonly deleteValues: Database.Statement[];
  private readonly insertFields: RowInsert;
  private readonly insertMetrics: RowInsert;
  private readonly insertItems: RowInsert;
  private readonly insertDataPaths: RowInsert;
  private readonly selectDataPaths: Database.Statement;
  private readonly selectChildren: Database.Statement;
  private readonly countPerProject: Database.Statement;
  private readonly selectMetric: Database.Statement;
  private readonly markWrapper: Database.Statement;
  private readonly markParent: Database.Statement;
  private readonly selectView: Database.Statement;
  private readonly before: Database.Statement;
  private readonly after: Database.Statement;

  constructor(private readonly db: Database.Database) {
    const runColumns = ['run_id', 'started_ms', 'started_position', 'parent', 'is_workload', 'deleted', 'archived', 'view', ...ATTRIBUTE_COLUMNS];
    this.upsert = db.prepare(
      `INSERT INTO runs (${runColumns.join(', ')}) VALUES (${runColumns.map(() => '?').join(', ')})
       ON CONFLICT (run_id) DO UPDATE SET ${runColumns
         .slice(1)
         .map((c) => `${c} = excluded.${c}`)
         .join(', ')}
       RETURNING rid`,
    );
    this.deleteValues = ['run_fields', 'run_metrics', 'run_items', 'run_data_paths'].map((table) => db.prepare(`DELETE FROM ${table} WHERE run = ?`));
    this.insertFields = new RowInsert(db, 'run_fields', ['run', 'field', 'num', 'txt', 'json']);
    this.insertMetrics = new RowInsert(db, 'run_metrics', ['run', 'name', ...METRIC_AGGREGATE_COLUMNS.flatMap(valueColumnNames), 'count']);
    this.insertItems = new RowInsert(db, 'run_items', ['run', 'scope', 'seq', ...ITEM_PROPERTIES.flatMap(valueColumnNames)]);
    this.insertDataPaths = new RowInsert(db, 'run_data_paths', ['run', 'path', 'cwd']);
    // No working directory is kept as '' (a column of the primary key cannot be NULL in a WITHOUT ROWID table).
    this.selectDataPaths = db.prepare('SELECT DISTINCT path, cwd FROM run_data_paths');
    this.selectChildren = db.prepare('SELECT view FROM runs WHERE parent = ?');
    const project = `${attributeColumn('project_id')}_txt`;
    this.countPerProject = db.prepare(`SELECT ${project} AS project, count(*) AS runs FROM runs GROUP BY ${project}`);
    this.selectMetric = db.prepare('SELECT 1 FROM run_metrics WHERE name = ? LIMIT 1');
    this.markWrapper = db.prepare('UPDATE runs SET wrapper = (is_workload AND EXISTS (SELECT 1 FROM runs c WHERE c.parent = runs.run_id)) WHERE run_id = ?');
    this.markParent = db.prepare('UPDATE runs SET wrapper = 1 WHERE run_id = ? AND is_workload = 1');
    this.selectView = db.prepare('SELECT view FROM runs WHERE run_id = ?');
    this.before = db.prepare('SELECT run_id FROM runs WHERE run_id < ? ORDER BY run_id DESC LIMIT 1');
    this.after = db.prepare('SELECT run_id FROM runs WHERE run_id > ? ORDER BY run_id LIMIT 1');
  }

  /** Every declared data path of every run, as `RunReadModel.declaredDataPaths` answers. */
  dataPaths(): DeclaredDataPath[] {
    const rows = this.selectDataPaths.all() as Array<{ path: string; cwd: string }>;
    return distinctDataPaths(rows.map(({ path, cwd }) => (cwd === '' ? { path } : { path, cwd })));
  }

  /** The runs a workload recorded, as `RunReadModel.runsOfWorkload` answers: its children (by the parent index), and itself when it names itself. */
  runsOfWorkload(workloadId: string): RunView[] {
    const members = (this.selectChildren.all(workloadId) as Array<{ view: string }>).map((row) => JSON.parse(row.view) as RunView);
    const itself = this.view(workloadId);
    if (itself?.workload.workloadId === workloadId) members.push(itself);
    return members.sort((a, b) => a.startedPosition - b.startedPosition);
  }

  /** How many runs each project holds (every row of runs, deleted ones too). */
  runsPerProject(): Map<string, number> {
    const rows = this.countPerProject.all() as Array<{ project: string; runs: number }>;
    return new Map(rows.map((row) => [row.project, row.runs]));
  }

  view(runId: string): RunView | undefined {
    const row = this.selectView.get(runId) as { view: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.view) as RunView);
  }

  /**
   * Writes changed runs (inside the caller's transaction): each run's row, its values, the wrapper
   * marks of its family and the id prefix length. Runs in `unwritten` have no rows yet to delete.
   */
  write(runs: readonly RunView[], unwritten: ReadonlySet<string> = new Set()): void {
    let prefix = this.prefixLength();
    for (const run of runs) {
      const started = asInstant(run.startedAt) ?? null;
      const attributes = attributeCellsOf(run).flat();
      const { rid } = this.upsert.get(
        run.runId,
        started,
        run.startedPosition,
        parentRunOf(run),
        isWorkloadRun(run) ? 1 : 0,
        run.deleted == null ? 0 : 1,
        run.archived === true ? 1 : 0,
        JSON.stringify(run),
        ...attributes,
      ) as {
        rid: number;
      };
      if (!unwritten.has(run.runId)) for (const remove of this.deleteValues) remove.run(rid);
      const fields: unknown[] = [];
      for (const row of fieldRowsOf(run)) fields.push(rid, row.field, ...row.cells);
      this.insertFields.run(fields);
      const metrics: unknown[] = [];
      for (const row of metricRowsOf(run)) {
        metrics.push(rid, row.name);
        for (const cells of row.cells) metrics.push(...cells);
        metrics.push(row.count);
      }
      this.insertMetrics.run(metrics);
      const items: unknown[] = [];
      itemRowsOf(run).forEach((row, seq) => {
        items.push(rid, row.scope, seq);
        for (const cells of row.cells) items.push(...cells);
      });
      this.insertItems.run(items);
      this.insertDataPaths.run(declaredDataPathsOf(run).flatMap(({ path, cwd }) => [rid, path, cwd ?? '']));
      prefix = Math.max(prefix, this.prefixNeeded(run.runId));
    }
    for (const run of runs) {
      const parent = parentRunOf(run);
      if (parent !== null) this.markParent.run(parent);
      if (isWorkloadRun(run)) this.markWrapper.run(run.runId);
    }
    this.db.prepare("INSERT OR REPLACE INTO read_model (key, value) VALUES ('prefix', ?)").run(prefix);
  }

  private prefixNeeded(runId: string): number {
    let needed = MINIMUM_PREFIX;
    for (const neighbour of [this.before.get(runId), this.after.get(runId)] as Array<{ run_id: string } | undefined>) {
      if (neighbour !== undefined) needed = Math.max(needed, commonPrefix(runId, neighbour.run_id) + 1);
    }
    return needed;
  }

  prefixLength(): number {
    const row = this.db.prepare("SELECT value FROM read_model WHERE key = 'prefix'").get() as { value: number } | undefined;
    return row?.value ?? MINIMUM_PREFIX;
  }

  hasMetric(name: string): boolean {
    return this.selectMetric.get(name) !== undefined;
  }

  /** Run ids that start with `prefix`, in id order, at most `max`. */
  idsStartingWith(prefix: string, max: number): { ids: string[]; total: number } {
    const matching = 'FROM runs WHERE run_id >= ? AND substr(run_id, 1, ?) = ?';
    const rows = this.db.prepare(`SELECT run_id ${matching} ORDER BY run_id LIMIT ?`).all(prefix, prefix.length, prefix, max) as Array<{ run_id: string }>;
    const total = rows.length < max ? rows.length : (this.db.prepare(`SELECT count(*) AS n ${matching}`).get(prefix, prefix.length, prefix) as { n: number }).n;
    return { ids: rows.map((r) => r.run_id), total };
  }
}

import type Database from 'better-sqlite3';
import { isWorkloadRun, parentRunOf, type RunView } from '@dotscience/core';
import { asInstant } from '@dotscience/core/store-kit';
import { fieldRowsOf, type FieldRow } from './run-fields.js';

/** Fewest leading characters of a run id shown (as `distinctPrefixLength`). */
const MINIMUM_PREFIX = 8;
/** Rows of run_fields one INSERT writes at most. */
const ROWS_PER_INSERT = 64;

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && a[n] === b[n]) n++;
  return n;
}

/** The rows of runs in the read model: reading one run, writing changed runs with their values and family marks. */
export class RunRows {
  private readonly upsert: Database.Statement;
  private readonly deleteFields: Database.Statement;
  /** INSERT statements of n rows of run_fields, by n (one call per run instead of one per value). */
  private readonly insertFields = new Map<number, Database.Statement>();
  private readonly insertMetricName: Database.Statement;
  private readonly markWrapper: Database.Statement;
  private readonly markParent: Database.Statement;
  private readonly selectView: Database.Statement;
  private readonly before: Database.Statement;
  private readonly after: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.upsert = db.prepare(
      `INSERT INTO runs (run_id, started_ms, started_position, parent, is_workload, view) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_id) DO UPDATE SET started_ms = excluded.started_ms, started_position = excluded.started_position,
         parent = excluded.parent, is_workload = excluded.is_workload, view = excluded.view
       RETURNING rid`,
    );
    this.deleteFields = db.prepare('DELETE FROM run_fields WHERE run = ?');
    this.insertMetricName = db.prepare('INSERT OR IGNORE INTO metric_names (name) VALUES (?)');
    this.markWrapper = db.prepare('UPDATE runs SET wrapper = (is_workload AND EXISTS (SELECT 1 FROM runs c WHERE c.parent = runs.run_id)) WHERE run_id = ?');
    this.markParent = db.prepare('UPDATE runs SET wrapper = 1 WHERE run_id = ? AND is_workload = 1');
    this.selectView = db.prepare('SELECT view FROM runs WHERE run_id = ?');
    this.before = db.prepare('SELECT run_id FROM runs WHERE run_id < ? ORDER BY run_id DESC LIMIT 1');
    this.after = db.prepare('SELECT run_id FROM runs WHERE run_id > ? ORDER BY run_id LIMIT 1');
  }

  view(runId: string): RunView | undefined {
    const row = this.selectView.get(runId) as { view: string } | undefined;
    return row === undefined ? undefined : (JSON.parse(row.view) as RunView);
  }

  /** Writes changed runs (inside the caller's transaction): each run's row, its values, the wrapper marks of its family and the id prefix length. */
  write(runs: readonly RunView[]): void {
    let prefix = this.prefixLength();
    for (const run of runs) {
      const started = asInstant(run.startedAt) ?? null;
      const { rid } = this.upsert.get(run.runId, started, run.startedPosition, parentRunOf(run), isWorkloadRun(run) ? 1 : 0, JSON.stringify(run)) as {
        rid: number;
      };
      this.deleteFields.run(rid);
      this.insertRows(rid, fieldRowsOf(run));
      for (const name of Object.keys(run.metrics)) this.insertMetricName.run(name);
      prefix = Math.max(prefix, this.prefixNeeded(run.runId));
    }
    for (const run of runs) {
      const parent = parentRunOf(run);
      if (parent !== null) this.markParent.run(parent);
      if (isWorkloadRun(run)) this.markWrapper.run(run.runId);
    }
    this.db.prepare("INSERT OR REPLACE INTO read_model (key, value) VALUES ('prefix', ?)").run(prefix);
  }

  private insertRows(rid: number, rows: readonly FieldRow[]): void {
    for (let from = 0; from < rows.length; from += ROWS_PER_INSERT) {
      const chunk = rows.slice(from, from + ROWS_PER_INSERT);
      let insert = this.insertFields.get(chunk.length);
      if (insert === undefined) {
        insert = this.db.prepare(
          `INSERT INTO run_fields (run, field, seq, num, txt, json) VALUES ${Array.from({ length: chunk.length }, () => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
        );
        this.insertFields.set(chunk.length, insert);
      }
      insert.run(chunk.flatMap((row, i) => [rid, row.field, from + i, row.num, row.txt, row.json]));
    }
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
    return this.db.prepare('SELECT 1 FROM metric_names WHERE name = ?').get(name) !== undefined;
  }

  /** Run ids that start with `prefix`, in id order, at most `max`. */
  idsStartingWith(prefix: string, max: number): { ids: string[]; total: number } {
    const matching = 'FROM runs WHERE run_id >= ? AND substr(run_id, 1, ?) = ?';
    const rows = this.db.prepare(`SELECT run_id ${matching} ORDER BY run_id LIMIT ?`).all(prefix, prefix.length, prefix, max) as Array<{ run_id: string }>;
    const total = rows.length < max ? rows.length : (this.db.prepare(`SELECT count(*) AS n ${matching}`).get(prefix, prefix.length, prefix) as { n: number }).n;
    return { ids: rows.map((r) => r.run_id), total };
  }
}

import type Database from 'better-sqlite3';
import {
  emptyProvenanceGraph,
  lineageOf,
  resolveLineageNode,
  UnknownLineageNodeError,
  type DatasetView,
  type LineageDirection,
  type ModelView,
  type ProvenanceGraph,
  type ProvenanceReadModel,
  type ReadModelCatchUp,
} from '@dotscience/core';
import { listStatements, wholeEntry } from './projection-lists.js';
import { ENTITY_NODE_SQL as NODE, ENTITY_VERSION_SQL as VERSION, ENTRY_LISTS, ENTRY_RECORDS } from './provenance-states.js';

type Row = { key: string; value: string };

/** The entity entries of the name bound as `$name` (the record spelled out, as ENTITY_INDEXES' condition is). */
const NAMED = `record = '${ENTRY_RECORDS.entities}' AND a = $name`;

/** Puts rows into a record of a graph in their order (own keys only, whatever the key). */
function fill(record: Record<string, unknown>, rows: readonly Row[]): void {
  for (const row of rows) Object.defineProperty(record, row.key, { value: JSON.parse(row.value), enumerable: true, writable: true, configurable: true });
}

/**
 * The latest entity of each node named `$name` (one per dataset or model of that name: per kind and per project, its id
 * without `@<version>`, D122), first recorded first. The distinct nodes are stepped through in the index (a name has a
 * few, a node may have millions of versions), then each one's latest version (ties: the first recorded) and first entry,
 * through ENTITY_INDEXES.
 */
export const LATEST_NAMED_SQL = `WITH RECURSIVE nodes(node) AS (
   SELECT (SELECT ${NODE} FROM projection_entries WHERE ${NAMED} ORDER BY ${NODE} LIMIT 1)
   UNION ALL
   SELECT (SELECT ${NODE} FROM projection_entries WHERE ${NAMED} AND ${NODE} > nodes.node ORDER BY ${NODE} LIMIT 1)
   FROM nodes WHERE nodes.node IS NOT NULL)
 SELECT key, value FROM (
   SELECT (SELECT id FROM projection_entries WHERE ${NAMED} AND ${NODE} = nodes.node ORDER BY ${VERSION} DESC, id LIMIT 1) AS latest,
          (SELECT id FROM projection_entries WHERE ${NAMED} AND ${NODE} = nodes.node ORDER BY id LIMIT 1) AS first
   FROM nodes WHERE nodes.node IS NOT NULL)
 JOIN projection_entries ON id = latest ORDER BY first`;

/** Node records of the provenance graph, by the graph's field. */
const NODES = { entities: ENTRY_RECORDS.entities, activities: ENTRY_RECORDS.activities, agents: ENTRY_RECORDS.agents } as const;
const RELATIONS = {
  used: ENTRY_RECORDS.used,
  wasGeneratedBy: ENTRY_RECORDS.wasGeneratedBy,
  wasDerivedFrom: ENTRY_RECORDS.wasDerivedFrom,
  wasAssociatedWith: ENTRY_RECORDS.wasAssociatedWith,
} as const;

/**
 * Nodes reached from `?` along used / wasGeneratedBy entries, from `a` to `b` (upstream) or back (downstream).
 * CROSS JOIN keeps the nodes reached as the outer loop, each looked up in the relations' index by its end: left
 * to choose, SQLite walks every relation entry of the two records instead (350 ms at 1M runs, not 0.5 ms).
 */
export const reachable = (from: 'a' | 'b', to: 'a' | 'b'): string => `
  WITH RECURSIVE reached(id) AS (
    VALUES (?)
    UNION
    SELECT e.${to} FROM reached CROSS JOIN projection_entries e ON e.record IN ('${RELATIONS.used}', '${RELATIONS.wasGeneratedBy}') AND e.${from} = reached.id
  )
  SELECT id FROM reached`;

/**
 * The datasets, models and provenance of the read model file (D118), answered
 * from `projection_entries` by key: one dataset or model is one row; a lineage
 * is the nodes a recursive query reaches over the relations' indexed ends, and
 * `lineageOf` run over that part of the graph alone (which holds every relation
 * among those nodes, so its answer is the whole graph's).
 */
export class SqliteProvenanceReadModel implements ProvenanceReadModel {
  constructor(
    private readonly db: () => Database.Database,
    private readonly caughtUp: () => Promise<ReadModelCatchUp>,
    private readonly closed: () => Promise<void>,
  ) {}

  catchUp(): Promise<ReadModelCatchUp> {
    return this.caughtUp();
  }

  /** The values of a record's entries in the order of its state's keys (integer-like keys first, as an object orders them), lists read whole. */
  private all<V>(record: string): V[] {
    const rows = this.db().prepare('SELECT key, value FROM projection_entries WHERE record = ? ORDER BY id').all(record) as Row[];
    const lists = listStatements(this.db());
    const state: Record<string, V> = {};
    for (const row of rows) {
      const value = wholeEntry(lists, record, row.key, row.value, ENTRY_LISTS[record]);
      Object.defineProperty(state, row.key, { value, enumerable: true, writable: true, configurable: true });
    }
    return Object.values(state);
  }

  private one<V>(record: string, key: string): V | undefined {
    const row = this.db().prepare('SELECT value FROM projection_entries WHERE record = ? AND key = ?').get(record, key) as { value: string } | undefined;
    return row === undefined ? undefined : (wholeEntry(listStatements(this.db()), record, key, row.value, ENTRY_LISTS[record]) as V);
  }

  async datasets(): Promise<DatasetView[]> {
    return this.all<DatasetView>(ENTRY_RECORDS.datasets);
  }

  async dataset(name: string): Promise<DatasetView | undefined> {
    return this.one<DatasetView>(ENTRY_RECORDS.datasets, name);
  }

  async models(): Promise<ModelView[]> {
    return this.all<ModelView>(ENTRY_RECORDS.models);
  }

  async model(name: string): Promise<ModelView | undefined> {
    return this.one<ModelView>(ENTRY_RECORDS.models, name);
  }

  /**
   * The latest version of each kind of entity named `name` (what a bare name resolves to),
   * the kinds in the order their first entity was recorded (as the graph lists them).
   */
  private latestNamed(name: string): Row[] {
    return this.db().prepare(LATEST_NAMED_SQL).all({ name }) as Row[];
  }

  /** The part of the graph holding the given nodes, the relations among them, in the graph's order. */
  private graphOf(ids: readonly string[]): ProvenanceGraph {
    const graph = emptyProvenanceGraph();
    const list = JSON.stringify(ids);
    for (const [field, record] of Object.entries(NODES)) {
      const rows = this.db()
        .prepare('SELECT key, value FROM projection_entries WHERE record = ? AND key IN (SELECT value FROM json_each(?)) ORDER BY id')
        .all(record, list) as Row[];
      fill(graph[field as keyof typeof NODES], rows);
    }
    const nodes = new Set(ids);
    for (const [field, record] of Object.entries(RELATIONS)) {
      const rows = this.db()
        .prepare('SELECT key, value, b FROM projection_entries WHERE record = ? AND a IN (SELECT value FROM json_each(?)) ORDER BY id')
        .all(record, list) as Array<Row & { b: string }>;
      fill(
        graph[field as keyof typeof RELATIONS],
        rows.filter((r) => nodes.has(r.b)),
      );
    }
    return graph;
  }

  async projectRunIds(projectId: string): Promise<string[]> {
    const rows = this.db()
      .prepare('SELECT value FROM projection_entries WHERE record = ? AND a = ? ORDER BY id')
      .pluck()
      .all(NODES.activities, projectId) as string[];
    return rows.map((value) => (JSON.parse(value) as { runId: string }).runId);
  }

  async lineageNode(ref: string): Promise<string> {
    const graph = this.graphOf([ref, `model:${ref}`, `dataset:${ref}`, `run:${ref}`]);
    // Entities of the name that are not already there, after them: only their kinds' order and latest versions count.
    fill(
      graph.entities,
      this.latestNamed(ref).filter((row) => !Object.hasOwn(graph.entities, row.key)),
    );
    return resolveLineageNode(graph, ref);
  }

  async lineage(nodeId: string, direction: LineageDirection): Promise<ProvenanceGraph> {
    const known = this.graphOf([nodeId]);
    const found = [known.entities, known.activities, known.agents].some((nodes) => Object.hasOwn(nodes, nodeId));
    if (!found) throw new UnknownLineageNodeError(nodeId);
    const db = this.db();
    const ids = new Set<string>([nodeId]);
    const walk = (sql: string): void => {
      for (const { id } of db.prepare(sql).iterate(nodeId) as Iterable<{ id: string }>) ids.add(id);
    };
    if (direction !== 'downstream') walk(reachable('a', 'b'));
    if (direction !== 'upstream') walk(reachable('b', 'a'));
    const associated = db
      .prepare('SELECT b FROM projection_entries WHERE record = ? AND a IN (SELECT value FROM json_each(?))')
      .pluck()
      .all(RELATIONS.wasAssociatedWith, JSON.stringify([...ids])) as string[];
    for (const agent of associated) ids.add(agent);
    return lineageOf(this.graphOf([...ids]), nodeId, direction);
  }

  close(): Promise<void> {
    return this.closed();
  }
}

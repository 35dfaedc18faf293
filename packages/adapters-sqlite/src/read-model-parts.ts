import { categoryOf, defaultUpcasters, eventApplier, idOf, runsProjection, type ReadModelCatchUp, type RecordedEvent, type RunsState } from '@dotscience/core';
import type { ProvenanceStates } from './provenance-states.js';
import type { RunRows } from './run-rows.js';

type Skipped = ReadModelCatchUp['skipped'][number];

/**
 * A part of the read model file caught up under a checkpoint of its own (D142):
 * the runs tables, or the datasets, models and provenance entries. A part's rows
 * and its checkpoint (position and hash of the last event applied) are written in
 * one transaction, so each part describes the state after one event of the log.
 */
export interface ReadModelPart {
  /** The `read_model` keys of the part's checkpoint. */
  readonly checkpoint: { readonly position: string; readonly hash: string };
  /** The tables emptied when the part is discarded. */
  readonly tables: readonly string[];
  /** The `read_model` keys deleted when the part is discarded (its checkpoint's among them). */
  readonly keys: readonly string[];
  /** How a notice names the part of `file`. */
  subject(file: string): string;
}

export const RUNS_PART: ReadModelPart = {
  checkpoint: { position: 'position', hash: 'hash' },
  tables: ['runs', 'run_fields', 'run_metrics', 'run_items', 'run_data_paths'],
  // `prefix`: the run id prefix length that tells the runs apart (RunRows).
  keys: ['position', 'hash', 'prefix'],
  subject: (file) => `the read model ${file}`,
};

export const ENTRIES_PART: ReadModelPart = {
  checkpoint: { position: 'entries.position', hash: 'entries.hash' },
  tables: ['projection_entries', 'projection_list_items'],
  keys: ['entries.position', 'entries.hash'],
  subject: (file) => `the datasets, models and lineage of the read model ${file}`,
};

/** One catch-up of a part: events applied in memory, then written in batches with the part's checkpoint. */
export interface PartCatchUp {
  apply(e: RecordedEvent): void;
  /** Enough is held in memory to write a batch. */
  readonly full: boolean;
  /** Writes what changed since the last write (inside the caller's transaction) and forgets it. */
  write(): void;
  /** Drops what was applied since the last write (a catch-up that starts again). */
  forget(): void;
}

/** The runs projection's own handlers over the runs a batch touches, read from their rows the first time. */
export class RunsCatchUp implements PartCatchUp {
  private readonly applyRuns;
  private working: RunsState = {};
  /** Runs of `working` the file does not hold yet: they have no rows to replace. */
  private unwritten = new Set<string>();
  private changed = 0;

  constructor(
    private readonly rows: RunRows,
    skipped: Skipped[],
    private readonly batchRuns: number,
  ) {
    this.applyRuns = eventApplier(runsProjection, defaultUpcasters, (s) =>
      skipped.push({ stream: s.stream, revision: s.revision, type: s.type, reason: s.reason, position: s.position }),
    );
  }

  apply(e: RecordedEvent): void {
    if (!Object.hasOwn(runsProjection.handlers, e.type) || (categoryOf(e.stream) !== 'run' && categoryOf(e.stream) !== 'runmeta')) return;
    const id = idOf(e.stream);
    if (!Object.hasOwn(this.working, id)) {
      const view = this.rows.view(id);
      if (view !== undefined) Object.defineProperty(this.working, id, { value: view, enumerable: true, writable: true, configurable: true });
      else this.unwritten.add(id);
    }
    const before = Object.hasOwn(this.working, id);
    this.working = this.applyRuns(this.working, e);
    if (!before && Object.hasOwn(this.working, id)) this.changed++;
  }

  get full(): boolean {
    return this.changed >= this.batchRuns;
  }

  write(): void {
    this.rows.write(Object.values(this.working), this.unwritten);
    this.forget();
  }

  forget(): void {
    this.working = {};
    this.unwritten = new Set();
    this.changed = 0;
  }
}

/** The datasets, models and provenance projections' handlers over the entries a batch touches. */
export class EntriesCatchUp implements PartCatchUp {
  private readonly applyEntries: (e: RecordedEvent) => void;

  constructor(
    private readonly states: ProvenanceStates,
    skipped: Skipped[],
    private readonly batchEntries: number,
  ) {
    this.applyEntries = states.applier(skipped);
  }

  apply(e: RecordedEvent): void {
    this.applyEntries(e);
  }

  get full(): boolean {
    return this.states.touched >= this.batchEntries;
  }

  write(): void {
    this.states.write();
  }

  forget(): void {
    this.states.forget();
  }
}

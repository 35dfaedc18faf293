import { planProtocolRun, WriteQueue, type RunBlock, type StoreLease, type Workload, type WriterMeta } from '@dotscience/sdk';
import { captureProtocolBlock, type CaptureServices, type CapturedProtocolRun } from './protocol-block-capture.js';
import type { ProtocolDataRoot } from './protocol-data-root.js';
import { BlockRunNotRecordedError, recordProtocolRun, type WorkloadError } from './protocol-run-recording.js';

export interface RunBlockContext {
  projectId: string;
  /** The workload the blocks are printed by: their runs' parent. */
  workload: Workload;
  root: ProtocolDataRoot;
  cwd: string;
  writer?: WriterMeta;
  /** Under `ds rerun`: the runs the original workload's blocks recorded, in print order; the n-th block re-executes the n-th. */
  rerunOf?: readonly string[];
}

/** A parsed run block as the stream parser hands it over. */
export interface ReadRunBlock {
  runId: string;
  block: RunBlock;
  line: number;
}

/**
 * Records each run block of a program while it runs, in print order: its
 * data is captured the moment the block is read (captures never wait behind
 * a recording), then the event store is
 * taken (waiting while another writer, such as an SDK child, holds it), the
 * run is recorded and published, and the store is let go again as soon as no
 * other block waits — so `ds runs` elsewhere shows the run at once and the
 * program's own SDK runs are never kept waiting for long. A block that cannot
 * be recorded is reported (run id and reason) and kept in `errors`.
 */
export class RunBlockRecorder {
  /** Ids of the runs recorded, in print order (with those started and then marked errored because the rest could not be recorded). */
  readonly recorded: string[] = [];
  /** Blocks that could not be recorded. */
  readonly errors: WorkloadError[] = [];
  /** Captures run one after another as blocks are read, never behind a recording that waits for the store. */
  private readonly captures = new WriteQueue();
  private readonly records = new WriteQueue();
  /** When each accepted block's run started (ms since the epoch, NaN when the block has no start), in print order. */
  private readonly starts: number[] = [];
  private waiting = 0;
  private settled: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly capture: CaptureServices,
    private readonly lease: StoreLease,
    private readonly context: RunBlockContext,
    private readonly report: (message: string) => void,
  ) {}

  /** Take a block as it is read; it is captured and recorded after the ones before it. */
  accept(block: ReadRunBlock): void {
    this.waiting++;
    const { root, cwd } = this.context;
    const readAt = this.capture.clock.now();
    const index = this.starts.push(Date.parse(planProtocolRun(block.runId, block.block).startedAt ?? '')) - 1;
    const printedBy = () => Math.min(Date.parse(readAt), ...this.starts.slice(index + 1).filter((start) => !Number.isNaN(start)));
    const captured = this.captures.run(() => captureProtocolBlock(this.capture, { root, cwd }, { ...block, readAt, printedBy }));
    captured.catch(() => undefined); // its failure is reported when its turn to be recorded comes
    this.settled = this.records.run(async () => {
      try {
        await this.record(await captured);
      } catch (error) {
        const started = error instanceof BlockRunNotRecordedError ? error.runId : undefined;
        // A run started before the failure is one of the block runs (errored with the reason), not a run the program left open.
        if (started !== undefined) this.recorded.push(started);
        const runId = started ?? block.runId;
        const where = started !== undefined && started !== block.runId.toLowerCase() ? ` (printed as ${block.runId})` : '';
        const message = `the run block ${runId}${where} at line ${block.line} could not be recorded: ${(error as Error).message}`;
        this.errors.push({ message, detail: { runId, line: block.line, ...(started !== undefined ? { runRecorded: 'errored' } : {}) } });
        this.report(message);
      } finally {
        if (--this.waiting === 0) await this.lease.release().catch(() => undefined);
      }
    });
  }

  /** Every block accepted so far has been recorded or reported. */
  async drain(): Promise<void> {
    await this.settled;
  }

  private async record(captured: CapturedProtocolRun): Promise<void> {
    const ds = await this.lease.acquire();
    const rerunOf = this.context.rerunOf?.[this.recorded.length];
    const context = {
      projectId: this.context.projectId,
      workload: this.context.workload,
      writer: this.context.writer,
      ...(rerunOf === undefined ? {} : { rerunOf }),
    };
    const runId = await recordProtocolRun(ds, captured, context, new Set(this.recorded));
    this.recorded.push(runId);
    this.warn(runId, captured);
  }

  private warn(runId: string, run: CapturedProtocolRun): void {
    for (const m of run.missing) this.report(`warning: run ${runId}: its ${m.declaredAs} ${m.path} was recorded as missing: ${m.reason}`);
    for (const [role, list] of [
      ['input', run.inputs],
      ['output', run.outputs],
    ] as const) {
      for (const d of list) {
        if (!d.changedAfterPublish) continue;
        const { modifiedAt, publishedAt } = d.changedAfterPublish;
        this.report(
          `warning: run ${runId}: its ${role} ${d.path} was modified at ${modifiedAt}, after the run was published at ${publishedAt}; ` +
            'the recorded version may hold later bytes than the run saw (recorded as changedAfterPublish) — publish before rewriting it, or keep stdout unbuffered (PYTHONUNBUFFERED=1)',
        );
      }
    }
  }
}

import type { Writable } from 'node:stream';
import { ProtocolStreamParser, WriteQueue, type ProtocolBlockError, type ProtocolStreamEvent } from '@dotscience/core';
import { passThrough } from './passthrough.js';
import type { WorkloadError } from './protocol-run-recording.js';
import { captureProtocolBlock, type CaptureServices, type CapturedProtocolRun } from './protocol-block-capture.js';

/**
 * The program's stdout as the runner sees it: everything that is not a
 * Dotscience run block goes to `target` byte for byte, as soon as it can no
 * longer be the start of a marker; each run block has its data captured at
 * once (in print order); each bad block is reported through `report` and kept
 * to be recorded on the workload.
 */
export class ProtocolStdout {
  readonly runs: CapturedProtocolRun[] = [];
  /** Blocks that could not be recorded, to be recorded as errors of the workload. */
  readonly errors: WorkloadError[] = [];
  private readonly parser = new ProtocolStreamParser();
  private readonly captures = new WriteQueue();
  private capturing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly target: Writable,
    private readonly services: CaptureServices,
    private readonly cwd: string,
    private readonly report: (message: string) => void,
  ) {}

  /** Feed a chunk; the returned promise (if any) settles when `target` can take more. */
  write(chunk: Uint8Array): void | Promise<void> {
    return this.handle(this.parser.write(chunk));
  }

  /** The program's stdout has ended: flush held bytes, report an open block, and wait for every capture. */
  async end(): Promise<void> {
    await this.handle(this.parser.end());
    await this.capturing;
  }

  private handle(events: readonly ProtocolStreamEvent[]): void | Promise<void> {
    let waiting: void | Promise<void> = undefined;
    for (const event of events) {
      switch (event.kind) {
        case 'output':
          waiting = passThrough(this.target, event.bytes) ?? waiting;
          break;
        case 'run':
          this.capturing = this.captures.run(async () => {
            try {
              this.runs.push(await captureProtocolBlock(this.services, this.cwd, event));
            } catch (error) {
              const message = `Dotscience run block ${event.runId} at line ${event.line} could not be captured: ${(error as Error).message}`;
              this.errors.push({ message, detail: { runId: event.runId, line: event.line } });
              this.report(message);
            }
          });
          break;
        case 'error':
          this.errors.push(blockError(event.error));
          this.report(event.error.message);
          break;
      }
    }
    return waiting;
  }
}

function blockError(error: ProtocolBlockError): WorkloadError {
  const detail: Record<string, string | number | Array<{ path: string; message: string }>> = { reason: error.reason };
  if (error.runId !== undefined) detail.runId = error.runId;
  if (error.line !== undefined) detail.line = error.line;
  if (error.offset !== undefined) detail.offset = error.offset;
  if (error.problems.length > 0) detail.problems = error.problems.map((p) => ({ path: p.path, message: p.message }));
  return { message: error.message, detail };
}

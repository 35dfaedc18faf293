import type { Writable } from 'node:stream';
import { ProtocolStreamParser, type ProtocolBlockError, type ProtocolStreamEvent } from '@dotscience/sdk';
import { passThrough } from './passthrough.js';
import type { WorkloadError } from './protocol-run-recording.js';
import type { ReadRunBlock } from './run-block-recorder.js';

/**
 * The program's stdout as the runner sees it: everything that is not a
 * Dotscience run block goes to `target` byte for byte, as soon as it can no
 * longer be the start of a marker; each run block is handed to `onRun` the
 * moment it is read (in print order); each bad block is reported through
 * `report` and kept to be recorded on the workload.
 */
export class ProtocolStdout {
  /** Blocks that could not be read, to be recorded as errors of the workload. */
  readonly errors: WorkloadError[] = [];
  private readonly parser = new ProtocolStreamParser();

  constructor(
    private readonly target: Writable,
    private readonly onRun: (block: ReadRunBlock) => void,
    private readonly report: (message: string) => void,
  ) {}

  /** Feed a chunk; the returned promise (if any) settles when `target` can take more. */
  write(chunk: Uint8Array): void | Promise<void> {
    return this.handle(this.parser.write(chunk));
  }

  /** The program's stdout has ended: flush held bytes and report an open block. */
  async end(): Promise<void> {
    await this.handle(this.parser.end());
  }

  private handle(events: readonly ProtocolStreamEvent[]): void | Promise<void> {
    let waiting: void | Promise<void> = undefined;
    for (const event of events) {
      switch (event.kind) {
        case 'output':
          waiting = passThrough(this.target, event.bytes) ?? waiting;
          break;
        case 'run':
          this.onRun(event);
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

import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';

/**
 * The program's stdout and stderr exactly as it wrote them (run blocks
 * included), kept in a temporary directory holding `stdout` and `stderr`
 * until it is captured into the data store as the workload's log.
 */
export class WorkloadLog {
  private readonly stdoutFile: WriteStream;
  private readonly stderrFile: WriteStream;

  private constructor(readonly directory: string) {
    this.stdoutFile = createWriteStream(join(directory, 'stdout'));
    this.stderrFile = createWriteStream(join(directory, 'stderr'));
  }

  static async create(): Promise<WorkloadLog> {
    return new WorkloadLog(await mkdtemp(join(tmpdir(), 'dotscience-workload-log-')));
  }

  stdout(chunk: Uint8Array): void {
    this.stdoutFile.write(chunk);
  }

  stderr(chunk: Uint8Array): void {
    this.stderrFile.write(chunk);
  }

  /** Flush and close both files. */
  async close(): Promise<void> {
    this.stdoutFile.end();
    this.stderrFile.end();
    await Promise.all([finished(this.stdoutFile), finished(this.stderrFile)]);
  }

  async remove(): Promise<void> {
    await rm(this.directory, { recursive: true, force: true });
  }
}

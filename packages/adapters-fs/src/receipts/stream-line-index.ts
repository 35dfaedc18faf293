import { open, type FileHandle } from 'node:fs/promises';

/** Bytes read from a ledger file per read while it is indexed. */
const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/** Where lines lie in their file: offset and length in bytes of each line in turn, flat (two numbers a line, no object: a hub keeps millions). */
export type LineSpans = number[];

/**
 * Where the lines of one receipts file (a hub project's) lie, in all and by stream, so that the
 * lines of one run, or one page of the whole file, are read without reading the whole file
 * again: a hub with 100k runs keeps millions of lines, and its run page asks for one run's.
 * The file is only ever appended to; each read first indexes what was appended since the
 * last (complete lines only: a line still being written is indexed once its newline is
 * there). A file that was replaced (another inode) or is shorter than what was indexed is
 * indexed again from its start. Lines are told apart by `streamOf`, given the text of a line
 * (undefined: a line of no stream, or one that does not parse, which readers skip as `read` does).
 */
export class StreamLineIndex {
  private ino = -1;
  /** Bytes of the file indexed: up to and including the last complete line's newline. */
  private indexed = 0;
  /** Every non-empty line, in file order. */
  private readonly all: LineSpans = [];
  /** Each stream's lines, as their numbers in `all`. */
  private readonly byStream = new Map<string, number[]>();
  /** One catch-up at a time: concurrent readers share it. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly streamOf: (line: string) => string | undefined,
  ) {}

  /** The spans of `stream`'s lines in the file as it is now, in file order, and the file open for reading them (the caller closes it); undefined when there is no file. */
  spansOf(stream: string): Promise<{ spans: LineSpans; fh: FileHandle } | undefined> {
    return this.caughtUp(() => ({ spans: (this.byStream.get(stream) ?? []).flatMap((line) => [this.all[2 * line]!, this.all[2 * line + 1]!]) }));
  }

  /** The spans of the file's lines `from` … `from + count - 1` (the non-empty ones, counted from 0), how many lines it holds, and the file open for reading them; undefined when there is no file. */
  page(from: number, count: number): Promise<{ spans: LineSpans; lines: number; fh: FileHandle } | undefined> {
    return this.caughtUp(() => ({ spans: this.all.slice(2 * from, 2 * (from + count)), lines: this.all.length / 2 }));
  }

  /** What `select` reads of the index once it is caught up with the file, with the file open; one catch-up at a time. */
  private caughtUp<T>(select: () => T): Promise<(T & { fh: FileHandle }) | undefined> {
    const run = this.turn.then(() => this.catchUp(select));
    this.turn = run.catch(() => undefined);
    return run;
  }

  private async catchUp<T>(select: () => T): Promise<(T & { fh: FileHandle }) | undefined> {
    let fh: FileHandle;
    try {
      fh = await open(this.file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.reset(-1);
      return undefined;
    }
    try {
      const { ino, size } = await fh.stat();
      if (ino !== this.ino || size < this.indexed) this.reset(ino);
      await this.indexLines(fh, size);
      return { ...select(), fh };
    } catch (error) {
      await fh.close();
      throw error;
    }
  }

  private reset(ino: number): void {
    this.ino = ino;
    this.indexed = 0;
    this.all.length = 0;
    this.byStream.clear();
  }

  /** Index the complete lines between what was indexed and `size`. */
  private async indexLines(fh: FileHandle, size: number): Promise<void> {
    let carried = Buffer.alloc(0);
    let at = this.indexed;
    while (at < size) {
      const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, size - at));
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, at);
      if (bytesRead === 0) break;
      at += bytesRead;
      const bytes = carried.length === 0 ? chunk.subarray(0, bytesRead) : Buffer.concat([carried, chunk.subarray(0, bytesRead)]);
      const start = at - bytes.length;
      let lineStart = 0;
      for (let nl = bytes.indexOf(NEWLINE); nl !== -1; nl = bytes.indexOf(NEWLINE, lineStart)) {
        if (nl > lineStart) this.add(bytes.toString('utf8', lineStart, nl), start + lineStart, nl - lineStart);
        lineStart = nl + 1;
      }
      this.indexed = start + lineStart;
      carried = Buffer.from(bytes.subarray(lineStart));
    }
  }

  private add(line: string, offset: number, length: number): void {
    const number = this.all.length / 2;
    this.all.push(offset, length);
    const stream = this.streamOf(line);
    if (stream === undefined) return;
    let lines = this.byStream.get(stream);
    if (!lines) this.byStream.set(stream, (lines = []));
    lines.push(number);
  }
}

/** The lines at `spans` of the file open as `fh`, as text, in order. */
export async function linesAt(fh: FileHandle, spans: LineSpans): Promise<string[]> {
  const lines: string[] = [];
  for (let i = 0; i < spans.length; i += 2) {
    const offset = spans[i]!;
    const length = spans[i + 1]!;
    const bytes = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await fh.read(bytes, done, length - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    lines.push(bytes.toString('utf8', 0, done));
  }
  return lines;
}

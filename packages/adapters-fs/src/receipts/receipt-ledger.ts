import { readdir, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { SignedReceiptSchema, type ReceiptLedger, type SignedReceipt } from '@dotscience/core';
import { z } from 'zod';
import { DEFAULT_LEDGER_SYNC, OpenLedgerFiles, type LedgerSyncPolicy } from './open-ledger-files.js';
import { linesAt, StreamLineIndex } from './stream-line-index.js';

/** A kept receipt, and the hub that signed it (absent in a hub's own ledger). */
export const LedgerLineSchema = z.object({ hub: z.string().optional(), receipt: SignedReceiptSchema });
export type LedgerLine = z.infer<typeof LedgerLineSchema>;

/** A name's file: the name, URI-encoded (no slash, no NUL), then this. */
const SUFFIX = '.ndjson';

/**
 * Receipts kept as JSON lines, one file per name (a project) in a directory (0700, files
 * 0600). A hub writes one line per accepted append (who made it: the token's id and
 * label); a client keeps the receipts a hub gave it. A line that does not parse (a torn
 * last line after a crash) is skipped and counted. Lines are synced in the background
 * (OpenLedgerFiles): a crash loses at most those of the last MiB or second.
 */
export class FsReceiptLedger implements ReceiptLedger {
  /** Per file while a write is due or in flight: the lines not yet handed to a write, and who waits for them. */
  private readonly pending = new Map<string, { text: string; waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> }>();
  /** The file of each name written so far (a hub writes one project's file again and again). */
  private readonly files = new Map<string, string>();
  /** Files kept open between writes while they are busy, synced in the background. */
  private readonly open: OpenLedgerFiles;
  /** Per file read by stream: where each stream's lines lie (see readStream). */
  private readonly indexes = new Map<string, StreamLineIndex>();

  constructor(
    readonly dir: string,
    sync: LedgerSyncPolicy = DEFAULT_LEDGER_SYNC,
  ) {
    this.open = new OpenLedgerFiles(dir, sync);
  }

  fileOf(name: string): string {
    let file = this.files.get(name);
    if (file === undefined) {
      file = join(this.dir, `${encodeURIComponent(name)}${SUFFIX}`);
      if (this.files.size >= 10_000) this.files.clear();
      this.files.set(name, file);
    }
    return file;
  }

  /**
   * Append lines to the file of `name`; resolves once they are written (to the file, not
   * synced). Lines given in the same turn of the event loop (or while the file is being
   * opened) go together, in the order given, in one write, made once the turn's promise jobs
   * have run: the appends one group commit answers all record their receipts in the turn it
   * resolves them, so a hub under load writes one file append per commit, and answers them
   * in that same turn (D179). The write is this thread's (`writeSync` on a descriptor kept
   * open): a trip to the thread pool cost the hub's one thread more than the write, and its
   * answers a turn of the loop.
   */
  append(name: string, lines: readonly LedgerLine[]): Promise<void> {
    return this.appendJson(
      name,
      lines.map((line) => JSON.stringify(line)),
    );
  }

  /** Lines given as their JSON text (each `JSON.stringify` of a LedgerLine: one line, no newline), written as `append` writes lines. */
  appendJson(name: string, lineJsons: readonly string[]): Promise<void> {
    if (lineJsons.length === 0) return Promise.resolve();
    let text = '';
    for (const json of lineJsons) text += `${json}\n`;
    const file = this.fileOf(name);
    return new Promise((resolve, reject) => {
      const queued = this.pending.get(file);
      if (queued) {
        queued.text += text;
        queued.waiters.push({ resolve, reject });
        return;
      }
      this.pending.set(file, { text, waiters: [{ resolve, reject }] });
      // Once this turn's promise jobs have run (a tick queued from one runs after the queue drains): the receipts of the rest of the commit join this write.
      process.nextTick(() => void this.write(file));
    });
  }

  /**
   * Write the lines pending for `file`, then what was given meanwhile, until nothing is. A loop, not a call of
   * itself per write: each awaited call kept its frame (and the text it wrote) until the queue ran dry, so under
   * steady load every receipt line written since was held in memory, and the collector went through them again and again.
   */
  private async write(file: string): Promise<void> {
    for (;;) {
      const { text, waiters } = this.pending.get(file)!;
      if (waiters.length === 0) {
        this.pending.delete(file);
        return;
      }
      this.pending.set(file, { text: '', waiters: [] });
      try {
        await this.open.write(file, Buffer.from(text, 'utf8'));
        for (const w of waiters) w.resolve();
      } catch (error) {
        for (const w of waiters) w.reject(error);
      }
    }
  }

  /** Bytes of `name`'s lines that no finished sync covers. */
  unsyncedBytes(name: string): number {
    return this.open.unsyncedBytes(this.fileOf(name));
  }

  /** Resolves once the lines of `name` given so far have been written and synced. */
  async synced(name: string): Promise<void> {
    const file = this.fileOf(name);
    while (this.pending.has(file)) await new Promise((resolve) => setImmediate(resolve));
    await this.open.synced(file);
  }

  async read(name: string): Promise<{ lines: LedgerLine[]; unreadable: number }> {
    let text: string;
    try {
      text = await readFile(this.fileOf(name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], unreadable: 0 };
      throw error;
    }
    const lines: LedgerLine[] = [];
    let unreadable = 0;
    for (const lineText of text.split('\n')) {
      if (lineText === '') continue;
      const line = parsedLine(lineText);
      if (line) lines.push(line);
      else unreadable++;
    }
    return { lines, unreadable };
  }

  /**
   * The lines of `name` of appends to `stream`. The file's lines are indexed by stream once,
   * and after that only what was appended since (StreamLineIndex): a call reads that and the
   * stream's own lines, not the whole file. Lines that do not parse are skipped, as by read.
   */
  async readStream(name: string, stream: string): Promise<LedgerLine[]> {
    const found = await this.indexOf(name).spansOf(stream);
    if (!found) return [];
    return (await this.linesFound(found.fh, found.spans)).filter((line) => line.receipt.append?.stream === stream);
  }

  /** One page of the lines, through the same index as readStream (the file is read once, then only what was appended). */
  async readPage(name: string, from: number, maxCount: number): Promise<{ lines: LedgerLine[]; next?: number }> {
    const found = await this.indexOf(name).page(from, maxCount);
    if (!found) return { lines: [] };
    const lines = await this.linesFound(found.fh, found.spans);
    return from + maxCount < found.lines ? { lines, next: from + maxCount } : { lines };
  }

  private indexOf(name: string): StreamLineIndex {
    const file = this.fileOf(name);
    let index = this.indexes.get(file);
    if (!index) {
      if (this.indexes.size >= 1_000) this.indexes.clear();
      this.indexes.set(file, (index = new StreamLineIndex(file, streamOfLine)));
    }
    return index;
  }

  /** The lines at `spans` that parse, in order; closes `fh`. */
  private async linesFound(fh: FileHandle, spans: number[]): Promise<LedgerLine[]> {
    try {
      const lines: LedgerLine[] = [];
      for (const text of await linesAt(fh, spans)) {
        const line = parsedLine(text);
        if (line) lines.push(line);
      }
      return lines;
    } finally {
      await fh.close();
    }
  }

  /** Every name with a file in the directory (none when it was never made), sorted. */
  async names(): Promise<string[]> {
    let files: string[];
    try {
      files = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return files
      .filter((file) => file.endsWith(SUFFIX))
      .map((file) => decodeURIComponent(file.slice(0, -SUFFIX.length)))
      .sort();
  }
}

/** A line of a ledger file, or undefined when it does not parse (a torn line). */
function parsedLine(text: string): LedgerLine | undefined {
  try {
    return LedgerLineSchema.parse(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/**
 * The stream of the append a line's receipt names, if any, for the index: JSON.parse alone (the
 * schema's parse costs more than the rest of indexing); readStream parses the lines it reads in full.
 */
function streamOfLine(text: string): string | undefined {
  try {
    const stream = (JSON.parse(text) as { receipt?: { append?: { stream?: unknown } } } | null)?.receipt?.append?.stream;
    return typeof stream === 'string' ? stream : undefined;
  } catch {
    return undefined;
  }
}

/** The receipts of `lines` for one stream (a run's: who pushed it). */
export function receiptsOfStream(lines: readonly LedgerLine[], stream: string): SignedReceipt[] {
  return lines.flatMap((l) => (l.receipt.append?.stream === stream ? [l.receipt] : []));
}

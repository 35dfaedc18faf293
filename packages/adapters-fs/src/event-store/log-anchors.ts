import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { GENESIS_HASH, LogChain, type AnchorEntry, type LogHead, type RecordedEvent } from '@dotscience/core';
import { LOG_BLOCK_RECORDS } from '@dotscience/core/store-kit';
import type { EventTable } from './event-table.js';
import { readRecords } from './record-reader.js';

/**
 * The anchors of an fs event log (core's log chain, audit/log-chain.ts), one text line each in
 * `anchors.log` beside the segments, appended as the log grows:
 *   `h <count> <logHash>`  the head after a commit, written right after the commit's fdatasync;
 *   `b <index> <blockHash>` a block of LOG_BLOCK_RECORDS records completed;
 *   `r <count> <logHash>`  a head computed from the log on open (a crash lost the lines of the last
 *                          commits, or the log predates anchors, or its anchors did not hold):
 *                          it vouches only for what the log held then.
 * Lines are not synced on their own: a crash loses at most the lines of the commits since the
 * last sync, and the next writer recomputes them from the durable records (an `r` line).
 * They are written off the event loop (the thread pool's), one write in flight at a time and in
 * the order given, so the file is always a prefix of the lines given — what a crash can leave
 * anyway; a write beside the log's fdatasyncs can wait tens of milliseconds for the file
 * system's journal, and every request the hub holds would wait with it (D136).
 */
export const ANCHORS_FILE = 'anchors.log';
/**
 * Lines wait this long for the lines of the commits after them before they are written, the lines
 * given while a write is in flight too: a busy log makes at most one write per this long, not one
 * per commit, each a trip to the thread pool (D164). Lines are not synced on their own, so the wait
 * changes nothing a crash can leave; `written()` writes at once.
 */
const GATHER_LINES_MS = 50;
/** A resuming writer reads this much of the file's end: more than a block's worth of head lines of one-record commits. */
const TAIL_BYTES = 256 * 1024;
const LINE = /^([hbr]) (\d+) ([0-9a-f]{64})$/;

/** Every anchor line of the log in `dir`, in order; a torn last line (a crash while writing it) is left out. */
export async function readAnchors(dir: string): Promise<AnchorEntry[]> {
  let text: string;
  try {
    text = await readFile(join(dir, ANCHORS_FILE), 'latin1');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return parseAnchorLines(text, 1);
}

function parseAnchorLines(text: string, firstLine: number): AnchorEntry[] {
  const lines = text.split('\n');
  lines.pop(); // after the last newline: empty, or a torn line
  const entries: AnchorEntry[] = [];
  lines.forEach((text, i) => {
    const line = firstLine + i;
    const m = LINE.exec(text);
    if (!m) return; // not an anchor: holds nothing (a head it replaced is what verification misses)
    const n = Number(m[2]);
    entries.push(
      m[1] === 'b' ? { kind: 'block', line, index: n, blockHash: m[3]! } : { kind: 'head', line, count: n, logHash: m[3]!, recovered: m[1] === 'r' },
    );
  });
  return entries;
}

/** The last lines of the file (line numbers unknown: 0), from its last TAIL_BYTES. */
async function readAnchorTail(dir: string): Promise<AnchorEntry[]> {
  let fh;
  try {
    fh = await open(join(dir, ANCHORS_FILE), 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  try {
    const { size } = await fh.stat();
    const start = Math.max(0, size - TAIL_BYTES);
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    let text = buf.toString('latin1');
    if (start > 0) text = text.slice(text.indexOf('\n') + 1); // the first line may be cut
    return parseAnchorLines(text, 0);
  } finally {
    await fh.close();
  }
}

/** A commit's records taken into a copy of the log chain (LogAnchorWriter.extend), with the block lines they complete. */
export interface ChainExtension {
  /** The chain the copy was made from: the writer's head when the commit was written. */
  readonly from: LogChain;
  readonly chain: LogChain;
  readonly blocks: readonly string[];
}

/**
 * The writer's side: keeps the log chain at the committed head and appends the anchor lines
 * of each commit. Anchoring never fails an append: the records are durable before it runs,
 * and an anchor line that could not be written is recomputed by the next writer (`r`).
 */
export class LogAnchorWriter {
  private fh: FileHandle | undefined;
  /** Set once a line could not be written: nothing more is (a torn line mid-file would be worse). */
  private stopped = false;
  /** Block lines of commits not synced yet (see commit). */
  private readonly heldBack: string[] = [];
  /** Lines given while a write is in flight: the next write's. */
  private pending = '';
  /** The write in flight and those queued behind it; undefined when every line given is written. */
  private writing: Promise<void> | undefined;
  /** Set while pending lines gather before a write starts (GATHER_LINES_MS). */
  private gathering: NodeJS.Timeout | undefined;
  /** Set by `written()`: the write in flight goes on with the lines given after it until none is left. */
  private flushing = false;

  private constructor(
    private readonly dir: string,
    private chain: LogChain,
  ) {}

  /**
   * Resume the chain at the log's committed head: from the last block line and the records
   * after it when the last head line holds; else from the whole log. Writes the lines the
   * file lacks (blocks, and an `r` head when the last `h` line is not the log's head).
   */
  static async resume(dir: string, table: EventTable): Promise<LogAnchorWriter> {
    const count = table.count;
    const tail = await readAnchorTail(dir);
    const lastBlock = [...tail].reverse().find((e) => e.kind === 'block') as Extract<AnchorEntry, { kind: 'block' }> | undefined;
    const lastHead = [...tail].reverse().find((e) => e.kind === 'head') as Extract<AnchorEntry, { kind: 'head' }> | undefined;
    const lines: string[] = [];
    let chain: LogChain | undefined;
    const blocks = lastBlock ? lastBlock.index + 1 : 0;
    if (lastHead && blocks * LOG_BLOCK_RECORDS <= lastHead.count && lastHead.count <= count) {
      chain = new LogChain({ blocks, blockHash: lastBlock?.blockHash ?? GENESIS_HASH, hashes: [], position: blocks * LOG_BLOCK_RECORDS - 1 });
      let held = lastHead.count === chain.count && chain.head().logHash === lastHead.logHash;
      for await (const e of readRecords(dir, table, range(blocks * LOG_BLOCK_RECORDS, count))) {
        const block = chain.add(e.hash, e.position);
        if (block) lines.push(`b ${block.index} ${block.blockHash}`);
        if (chain.count === lastHead.count) held = chain.head().logHash === lastHead.logHash;
      }
      if (!held) chain = undefined;
      else if (lastHead.count === count) lines.length = 0; // every line is there already
    }
    if (!chain) {
      // No anchors yet (a new or an older log), or the last ones do not hold: anchor the log as it is now.
      lines.length = 0;
      chain = new LogChain();
      for await (const e of readRecords(dir, table, range(0, count))) {
        const block = chain.add(e.hash, e.position);
        if (block) lines.push(`b ${block.index} ${block.blockHash}`);
      }
    }
    if (lines.length > 0 || (count > 0 && (!lastHead || lastHead.count !== count))) {
      const head = chain.head();
      lines.push(`r ${head.count} ${head.logHash}`);
    }
    const writer = new LogAnchorWriter(dir, chain);
    writer.write(lines);
    await writer.written(); // an opened log's file holds its anchors
    return writer;
  }

  /** The head after the last commit. */
  head(): LogHead {
    return this.chain.head();
  }

  /**
   * The chain over a commit's records (in log order), worked out on a copy while the commit's
   * write and fdatasync are still in flight: pure hashing that would otherwise wait for the
   * disk and then hold up the commit's answer. Nothing changes here until `commit` takes it in,
   * once the records hold; a failed write just drops it.
   */
  extend(events: readonly RecordedEvent[]): ChainExtension {
    const chain = this.chain.fork();
    const blocks = chain.addAll(events).map((block) => `b ${block.index} ${block.blockHash}`);
    chain.head(); // the head's digest too, kept by the chain for synced()
    return { from: this.chain, chain, blocks };
  }

  /**
   * Take in a commit's records (their `extend`, made on the head this writer still holds) and
   * append its anchor lines. A commit not synced (deferred) keeps its lines back until a synced
   * one: an anchor never vouches for records a power cut could still take away.
   */
  commit(extension: ChainExtension, synced = true): void {
    if (extension.from !== this.chain) throw new Error('internal: a commit was anchored on a log head that has moved since');
    this.chain = extension.chain;
    this.heldBack.push(...extension.blocks);
    if (synced) this.synced();
  }

  /** The records committed so far are durable: write the lines held back and the head. */
  synced(): void {
    const head = this.chain.head();
    const lines = [...this.heldBack.splice(0), `h ${head.count} ${head.logHash}`];
    this.write(lines);
  }

  /** Resolves once every line given so far is in the file (or writing stopped): lines still gathering are written now. */
  written(): Promise<void> {
    this.flushing = true;
    const writing = this.startWriting();
    if (!writing) this.flushing = false;
    return writing ?? Promise.resolve();
  }

  /** Start writing the pending lines now, unless a write is in flight; the write in flight, if any. */
  private startWriting(): Promise<void> | undefined {
    if (this.gathering) clearTimeout(this.gathering);
    this.gathering = undefined;
    if (!this.writing && this.pending !== '') this.writing = this.drain();
    return this.writing;
  }

  /** Write what is given, then close the file. */
  async close(): Promise<void> {
    await this.written();
    const fh = this.fh;
    this.fh = undefined;
    await fh?.close();
  }

  /** Queue lines for the file; on failure (a full disk) stop writing: the next writer recomputes what is missing. */
  private write(lines: readonly string[]): void {
    if (lines.length === 0 || this.stopped) return;
    this.pending += `${lines.join('\n')}\n`;
    // Lines gather a moment for the next commits' (a write in flight gathers them after it).
    if (!this.writing) this.gatherLines();
  }

  private gatherLines(): void {
    this.gathering ??= setTimeout(() => void this.startWriting(), GATHER_LINES_MS);
  }

  /**
   * Write the pending lines; while `written()` waits, those given meanwhile too, one write after
   * another. Lines left after it gather for the next write.
   */
  private async drain(): Promise<void> {
    try {
      do {
        const text = Buffer.from(this.pending, 'latin1');
        this.pending = '';
        try {
          this.fh ??= await open(join(this.dir, ANCHORS_FILE), 'a', 0o600);
          for (let done = 0; done < text.length;) done += (await this.fh.write(text, done)).bytesWritten;
        } catch {
          this.stopped = true;
          this.pending = '';
          await this.fh?.close().catch(() => undefined); // already unusable
          this.fh = undefined;
        }
      } while (this.flushing && this.pending !== '' && !this.stopped);
    } finally {
      this.writing = undefined;
      this.flushing = false;
      if (this.pending !== '' && !this.stopped) this.gatherLines();
    }
  }
}

function* range(from: number, end: number): Iterable<number> {
  for (let p = from; p < end; p++) yield p;
}

import { parseInput } from '../errors/parse-input.js';
import { concatBytes, OpenBlock } from './open-block.js';
import { parseRunBlock } from './parse-run-block.js';
import { ProtocolBlockError } from './protocol-block-error.js';
import { TextChunkEncoder } from './text-chunk-encoder.js';
import {
  DEFAULT_MAX_BLOCK_BYTES,
  ProtocolStreamParserOptionsSchema,
  type ProtocolStreamEvent,
  type ProtocolStreamParserOptions,
} from './protocol-stream-events.js';
import { CLOSE_MARKER_PREFIX, OPEN_MARKER_PREFIX, RunMarkerMatcher } from './run-marker.js';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const LEFT_BRACKET = 0x5b;

type Mode = 'output' | 'block' | 'after-close' | 'after-close-cr';

/**
 * Splits a program's stdout into plain output and Dotscience run blocks
 * (`[[DOTSCIENCE-RUN:<id>]]<JSON>[[/DOTSCIENCE-RUN:<id>]]` and a newline,
 * which belongs to the block), as the original Python library prints them on
 * publish. Pure: it is fed chunks and returns what it found.
 *
 * - Chunks may split anywhere (inside a marker, inside a UTF-8 character); the
 *   events do not depend on where.
 * - Output is byte-exact and prompt: only bytes that may still turn out to be
 *   a marker (at most the marker's length) are held back. Output bytes may be
 *   views of the chunk passed in.
 * - A block may span lines and share a line with other output.
 * - A bad block is reported as a ProtocolBlockError and parsing goes on.
 *   Bytes that turn out not to form a block the parser can read — an
 *   unterminated block at end(), one interrupted by another opening marker,
 *   one larger than `maxBlockBytes` — are passed through as output (from the
 *   opening marker on), so nothing the program printed is lost. A delimited
 *   block that is refused (malformed JSON, invalid fields, mismatched ids) is
 *   consumed: it is protocol, not output.
 * - Memory is bounded by `maxBlockBytes` plus one closing marker: a block is
 *   given up as too large as soon as that many bytes arrived without its end.
 */
export class ProtocolStreamParser {
  private readonly maxBlockBytes: number;
  private readonly matcher = new RunMarkerMatcher(false);
  private mode: Mode = 'output';
  private block: OpenBlock | undefined;
  /** Stream offset of the first byte of the marker in progress in output mode (its bytes are held). */
  private heldStart = 0;
  private offset = 0;
  private line = 1;
  private ended = false;
  private readonly text = new TextChunkEncoder();
  private readonly encoder = new TextEncoder();
  private events: ProtocolStreamEvent[] = [];
  private pendingOutput: Uint8Array[] = [];

  constructor(options: ProtocolStreamParserOptions = {}) {
    const parsed = parseInput(ProtocolStreamParserOptionsSchema, options, 'protocol stream parser options');
    this.maxBlockBytes = parsed.maxBlockBytes ?? DEFAULT_MAX_BLOCK_BYTES;
  }

  /** Feed the next chunk of the stream; returns the events it completes. */
  write(chunk: Uint8Array | string): ProtocolStreamEvent[] {
    if (this.ended) throw new Error('ProtocolStreamParser.write() after end(): create a new parser for a new stream');
    this.scan(typeof chunk === 'string' ? this.text.encode(chunk) : chunk);
    return this.takeEvents();
  }

  /** The stream is over: release held bytes and report a block still open. */
  end(): ProtocolStreamEvent[] {
    if (this.ended) return [];
    this.ended = true;
    const heldText = this.text.end();
    if (heldText.length > 0) this.scan(heldText);
    switch (this.mode) {
      case 'output':
        if (this.matcher.active) this.output(this.matcher.heldBytes());
        break;
      case 'block':
        this.abandonBlock('the stream ended before its closing marker', []);
        break;
      case 'after-close-cr':
        this.output(Uint8Array.of(CARRIAGE_RETURN));
        break;
      case 'after-close':
        break;
    }
    this.matcher.reset();
    return this.takeEvents();
  }

  private takeEvents(): ProtocolStreamEvent[] {
    this.flushOutput();
    const events = this.events;
    this.events = [];
    return events;
  }

  private output(bytes: Uint8Array): void {
    if (bytes.length > 0) this.pendingOutput.push(bytes);
  }

  private flushOutput(): void {
    if (this.pendingOutput.length === 0) return;
    const bytes = this.pendingOutput.length === 1 ? this.pendingOutput[0]! : concatBytes(this.pendingOutput);
    this.pendingOutput = [];
    this.events.push({ kind: 'output', bytes });
  }

  private emit(event: ProtocolStreamEvent): void {
    this.flushOutput();
    this.events.push(event);
  }

  private scan(bytes: Uint8Array): void {
    const base = this.offset;
    let i = 0;
    /** Start of this chunk's bytes not yet emitted as output nor held (output mode) or stored (block mode). */
    let start = 0;
    const n = bytes.length;
    while (i < n) {
      switch (this.mode) {
        case 'output': {
          if (!this.matcher.active) {
            // Fast path: everything up to the next "[" is output.
            const next = bytes.indexOf(LEFT_BRACKET, i);
            const stop = next === -1 ? n : next;
            this.countLines(bytes, i, stop);
            i = stop;
            if (i === n) break;
          }
          const b = bytes[i]!;
          const wasActive = this.matcher.active;
          const step = this.matcher.push(b);
          if (step === 'partial') {
            // A marker may start here: hold its bytes (they stay in the chunk until it is decided).
            if (!wasActive) this.heldStart = base + i;
          } else if (step === 'released') {
            // Released bytes still in this chunk are output from `start` later; those of earlier chunks go out now.
            const fromEarlierChunks = base - this.heldStart;
            if (fromEarlierChunks > 0) {
              const text = this.matcher.releasedText;
              this.output(this.matcher.released.subarray(0, Math.min(text.length, fromEarlierChunks)));
            }
            this.heldStart += this.matcher.releasedText.length;
          } else if (step === 'complete') {
            const marker = this.matcher.completed!;
            this.output(bytes.subarray(start, Math.max(start, this.heldStart - base)));
            this.openBlock(marker.id, base + i + 1 - marker.length);
            start = i + 1;
          }
          if (b === NEWLINE) this.line += 1;
          i += 1;
          break;
        }
        case 'block': {
          const closed = this.scanBlock(bytes, i, start, base);
          i = closed.next;
          start = closed.start;
          break;
        }
        case 'after-close': {
          const b = bytes[i]!;
          if (b === NEWLINE) {
            this.line += 1;
            i += 1;
            this.mode = 'output';
          } else if (b === CARRIAGE_RETURN) {
            i += 1;
            this.mode = 'after-close-cr';
          } else this.mode = 'output';
          start = i;
          break;
        }
        case 'after-close-cr': {
          const b = bytes[i]!;
          if (b === NEWLINE) {
            this.line += 1;
            i += 1;
          } else this.output(Uint8Array.of(CARRIAGE_RETURN));
          this.mode = 'output';
          start = i;
          break;
        }
      }
    }
    if (this.mode === 'output') this.output(bytes.subarray(start, this.matcher.active ? Math.max(start, this.heldStart - base) : n));
    if (this.mode === 'block' && start < n) this.block!.store(bytes.subarray(start, n));
    this.offset = base + n;
  }

  private countLines(bytes: Uint8Array, from: number, to: number): void {
    let lines = 0;
    for (let at = from; at < to; at += 1) if (bytes[at] === NEWLINE) lines += 1;
    this.line += lines;
  }

  private openBlock(runId: string, offset: number): void {
    this.mode = 'block';
    this.matcher.acceptClose = true;
    this.block = new OpenBlock(runId, offset, this.line);
  }

  /** Scan block bytes from `i` until the block ends or the chunk does; returns where to go on. */
  private scanBlock(bytes: Uint8Array, i: number, start: number, base: number): { next: number; start: number } {
    const block = this.block!;
    // Past this many bytes the JSON is over the limit even if the closing marker is in progress.
    const tooLarge = this.maxBlockBytes + CLOSE_MARKER_PREFIX.length + block.runId.length + 2;
    const n = bytes.length;
    for (; i < n; i += 1) {
      const b = bytes[i]!;
      block.see(b);
      if (b === NEWLINE) this.line += 1;

      const step = this.matcher.push(b);
      if (step === 'complete') {
        const marker = this.matcher.completed!;
        const body = { bytes, start, end: i + 1, markerLength: marker.length };
        if (marker.kind === 'close' && marker.id === block.runId) {
          this.closeBlock(body);
          return { next: i + 1, start: i + 1 };
        }
        // Inside a JSON string a marker is just text; outside one it ends this block.
        if (block.inString) continue;
        if (marker.kind === 'close') {
          this.finishBlock(new ProtocolBlockError('mismatched-id', `it was opened for run ${block.runId} but closed for run ${marker.id}`, block.location));
          return { next: i + 1, start: i + 1 };
        }
        // Another block opens before this one closed.
        this.abandonBlock('another block opened before its closing marker', [bytes.subarray(start, i + 1)], marker.length);
        this.openBlock(marker.id, base + i + 1 - marker.length);
        return { next: i + 1, start: i + 1 };
      }
      if (block.seenBytes > tooLarge) {
        this.matcher.reset();
        this.abandonBlockAsTooLarge([bytes.subarray(start, i + 1)]);
        return { next: i + 1, start: i + 1 };
      }
    }
    return { next: n, start };
  }

  private closeBlock(body: { bytes: Uint8Array; start: number; end: number; markerLength: number }): void {
    const block = this.block!;
    const location = block.location;
    const tail = body.bytes.subarray(body.start, body.end);
    const jsonLength = block.storedBytes + tail.length - body.markerLength;
    if (jsonLength > this.maxBlockBytes) {
      this.abandonBlockAsTooLarge([tail]);
      return;
    }
    try {
      const parsed = parseRunBlock(block.body([tail], body.markerLength), location); // the JSON: without the closing marker
      this.finishBlock({ kind: 'run', runId: block.runId, block: parsed, offset: block.offset, line: block.line });
    } catch (e) {
      if (!(e instanceof ProtocolBlockError)) throw e;
      this.finishBlock(e);
    }
  }

  /** A delimited block is over (recorded or refused); its trailing newline belongs to it. */
  private finishBlock(outcome: ProtocolBlockError | ProtocolStreamEvent): void {
    this.emit(outcome instanceof ProtocolBlockError ? { kind: 'error', error: outcome } : outcome);
    this.block = undefined;
    this.mode = 'after-close';
    this.matcher.acceptClose = false;
    this.matcher.reset();
  }

  /** The open block is not a block after all: report it and pass its bytes (minus `dropTail` trailing bytes) through as output. */
  private abandonBlock(detail: string, tail: Uint8Array[], dropTail = 0): void {
    const block = this.block!;
    this.emit({ kind: 'error', error: new ProtocolBlockError('unterminated', detail, block.location) });
    this.releaseBlock(tail, dropTail);
  }

  private abandonBlockAsTooLarge(tail: Uint8Array[]): void {
    const block = this.block!;
    this.emit({
      kind: 'error',
      error: new ProtocolBlockError(
        'too-large',
        `the block is larger than the limit of ${this.maxBlockBytes} bytes; its text was passed through as output`,
        block.location,
      ),
    });
    this.releaseBlock(tail, 0);
  }

  private releaseBlock(tail: Uint8Array[], dropTail: number): void {
    const block = this.block!;
    const marker = concatBytes([OPEN_MARKER_PREFIX, this.encoder.encode(`${block.runId}]]`)]);
    this.output(marker);
    this.output(block.body(tail, dropTail));
    this.block = undefined;
    this.mode = 'output';
    this.matcher.acceptClose = false;
  }
}

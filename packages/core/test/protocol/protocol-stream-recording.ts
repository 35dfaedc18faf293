import { ProtocolBlockError, ProtocolStreamParser, type ProtocolStreamEvent, type RunBlock } from '../../src/index.js';
import { type ProtocolStreamParserOptions } from '../../src/protocol/protocol-stream-events.js';

/** Everything a parser reported for one stream: the output bytes joined, and the other events in order. */
export interface StreamRecording {
  output: Uint8Array;
  /** Blocks and errors in stream order, with the output length seen before each. */
  findings: Array<
    | { kind: 'run'; runId: string; block: RunBlock; offset: number; line: number; outputBefore: number }
    | { kind: 'error'; reason: string; runId: string | undefined; offset: number | undefined; line: number | undefined; outputBefore: number }
  >;
  errors: ProtocolBlockError[];
  /** How many output events there were (chunking changes this, nothing else). */
  outputEvents: number;
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
/**
 * Bytes as a string of one character per byte (latin1): two are equal exactly
 * when the bytes are, whatever the bytes. Compare output this way in loops:
 * expect's deep equality walks a Uint8Array element by element (~8 ms for
 * 2 KB), which made the split tests take tens of seconds; a string compares
 * at once and still shows a readable diff when it fails.
 */
export const byteString = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

/** Feed `chunks` to a new parser, then end it, and record what it found. */
export function recordStream(chunks: Iterable<Uint8Array | string>, options?: ProtocolStreamParserOptions): StreamRecording {
  const parser = new ProtocolStreamParser(options);
  const events: ProtocolStreamEvent[] = [];
  for (const chunk of chunks) events.push(...parser.write(chunk));
  events.push(...parser.end());
  return summarize(events);
}

function summarize(events: readonly ProtocolStreamEvent[]): StreamRecording {
  const pieces: Uint8Array[] = [];
  let length = 0;
  const findings: StreamRecording['findings'] = [];
  const errors: ProtocolBlockError[] = [];
  for (const event of events) {
    if (event.kind === 'output') {
      pieces.push(event.bytes);
      length += event.bytes.length;
    } else if (event.kind === 'run') {
      findings.push({ kind: 'run', runId: event.runId, block: event.block, offset: event.offset, line: event.line, outputBefore: length });
    } else {
      const e = event.error;
      errors.push(e);
      findings.push({ kind: 'error', reason: e.reason, runId: e.runId, offset: e.offset, line: e.line, outputBefore: length });
    }
  }
  const output = new Uint8Array(length);
  let at = 0;
  for (const piece of pieces) {
    output.set(piece, at);
    at += piece.length;
  }
  return { output, findings, errors, outputEvents: pieces.length };
}

/** `bytes` cut at each of the (sorted, distinct) positions. */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const cut of cuts) {
    chunks.push(bytes.slice(from, cut));
    from = cut;
  }
  chunks.push(bytes.slice(from));
  return chunks;
}

const sortKeysDeep = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeysDeep((value as Record<string, unknown>)[k])]),
  );
};

/** A block as the Python library prints it on publish (JSON indent 4, sorted keys), with its trailing newline. */
export function pythonBlock(runId: string, metadata: Record<string, unknown>): string {
  const json = JSON.stringify(sortKeysDeep({ version: '1', input: [], output: [], labels: {}, summary: {}, parameters: {}, ...metadata }), null, 4);
  return `[[DOTSCIENCE-RUN:${runId}]]${json}[[/DOTSCIENCE-RUN:${runId}]]\n`;
}

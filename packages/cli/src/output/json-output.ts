import { jsonTextPieces } from './json-text-pieces.js';

/** Characters gathered before a write when a document is written in pieces. */
const CHARACTERS_PER_WRITE = 1 << 16;

/**
 * Machine-readable output of every read command's --json: one JSON document on stdout. A document
 * longer than V8's longest string (JSON.stringify throws a RangeError) is written in pieces, the same text.
 */
export function printJson(value: unknown): void {
  let text: string;
  try {
    text = JSON.stringify(value, null, 2);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    writeInPieces(value);
    return;
  }
  process.stdout.write(`${text}\n`);
}

/** Pieces gathered into writes of ~64 kB (stdout writes to files, terminals and pipes are synchronous on Linux and macOS: nothing waits in memory). */
function writeInPieces(value: unknown): void {
  let gathered = '';
  for (const piece of jsonTextPieces(value)) {
    gathered += piece;
    if (gathered.length >= CHARACTERS_PER_WRITE) {
      process.stdout.write(gathered);
      gathered = '';
    }
  }
  process.stdout.write(`${gathered}\n`);
}

/** Human-readable output on stdout. */
export function printText(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

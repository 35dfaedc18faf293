import type { ProtocolBlockLocation } from './protocol-block-error.js';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The block the parser is in: where it opened, the body bytes kept so far, and the JSON string state. */
export class OpenBlock {
  /** Body bytes kept from earlier chunks. */
  readonly parts: Uint8Array[] = [];
  storedBytes = 0;
  /** Body bytes seen so far, including any closing marker in progress. */
  seenBytes = 0;
  /** JSON string state, so that markers quoted inside a string are not taken for structure. */
  inString = false;
  private escaped = false;

  constructor(
    readonly runId: string,
    readonly offset: number,
    readonly line: number,
  ) {}

  get location(): ProtocolBlockLocation {
    return { runId: this.runId, offset: this.offset, line: this.line };
  }

  /** Keep a copy of body bytes of the current chunk. */
  store(bytes: Uint8Array): void {
    this.parts.push(bytes.slice());
    this.storedBytes += bytes.length;
  }

  /** Count one more body byte and follow the JSON string state through it. */
  see(b: number): void {
    this.seenBytes += 1;
    if (this.inString) {
      if (this.escaped) this.escaped = false;
      else if (b === BACKSLASH) this.escaped = true;
      // A raw line break cannot be inside a JSON string: the JSON is broken, stop tracking the string.
      else if (b === QUOTE || b === NEWLINE || b === CARRIAGE_RETURN) this.inString = false;
    } else if (b === QUOTE) this.inString = true;
  }

  /** The block's body: what was stored plus `tail` (this chunk's part), without its last `dropTail` bytes. */
  body(tail: readonly Uint8Array[], dropTail: number): Uint8Array {
    const length = this.storedBytes + tail.reduce((n, t) => n + t.length, 0) - dropTail;
    return concatBytes([...this.parts, ...tail], length);
  }
}

/** `parts` joined, cut at `length` bytes. */
export function concatBytes(parts: readonly Uint8Array[], length = parts.reduce((n, p) => n + p.length, 0)): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    if (at >= length) break;
    const piece = part.length <= length - at ? part : part.subarray(0, length - at);
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

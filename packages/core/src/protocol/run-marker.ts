/**
 * The markers around a run block, recognised one byte at a time so that a
 * marker split across stdout chunks is still found:
 *
 *     [[DOTSCIENCE-RUN:<id>]]   opens a block
 *     [[/DOTSCIENCE-RUN:<id>]]  closes it
 *
 * The id is what the library prints (a UUID); any 1–128 characters of
 * [A-Za-z0-9._-] are accepted, anything else means the text is not a marker.
 * The markers are ASCII, so matching bytes is safe in UTF-8 text: no byte of a
 * multi-byte character is ASCII.
 */

const encoder = new TextEncoder();
const OPEN_MARKER_TEXT = '[[DOTSCIENCE-RUN:';
const CLOSE_MARKER_TEXT = '[[/DOTSCIENCE-RUN:';
export const OPEN_MARKER_PREFIX = encoder.encode(OPEN_MARKER_TEXT);
export const CLOSE_MARKER_PREFIX = encoder.encode(CLOSE_MARKER_TEXT);
export const MAX_RUN_ID_LENGTH = 128;

const LEFT_BRACKET = 0x5b;
const RIGHT_BRACKET = 0x5d;
const SLASH = 0x2f;
const LETTER_D = 0x44;

function isIdByte(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) || // 0-9
    (b >= 0x41 && b <= 0x5a) || // A-Z
    (b >= 0x61 && b <= 0x7a) || // a-z
    b === 0x2d || // -
    b === 0x5f || // _
    b === 0x2e // .
  );
}

export type MarkerKind = 'open' | 'close';

/**
 * What one byte did:
 * - `plain`: no marker is in progress and the byte did not start one;
 * - `partial`: the byte started or extended a marker;
 * - `released`: the marker in progress turned out not to be one: its bytes
 *   (`released`) are plain text, and the byte itself was then looked at afresh
 *   (`active` says whether it started a new marker);
 * - `complete`: the byte finished a marker (`kind`, `id`, `length`).
 */
export type MarkerStep = 'plain' | 'partial' | 'released' | 'complete';

export class RunMarkerMatcher {
  /** Bytes of the prefix matched so far (0 when no marker is in progress). */
  private matched = 0;
  private kind: MarkerKind | undefined;
  private phase: 'prefix' | 'id' | 'bracket' = 'prefix';
  private idChars = '';
  /** After `released`: the text (ASCII, one byte a character) that was not a marker after all. */
  releasedText = '';
  /** After `complete`: the marker found. */
  completed: { kind: MarkerKind; id: string; length: number } | undefined;

  /** Whether closing markers count (in a block) or only opening ones (in plain output). */
  constructor(public acceptClose = false) {}

  /** Whether a marker is in progress. */
  get active(): boolean {
    return this.matched > 0;
  }

  /** The marker in progress as text (ASCII: one byte a character). */
  heldText(): string {
    if (this.matched === 0) return '';
    const prefix = (this.kind === 'close' ? CLOSE_MARKER_TEXT : OPEN_MARKER_TEXT).slice(0, this.matched);
    return `${prefix}${this.idChars}${this.phase === 'bracket' ? ']' : ''}`;
  }

  /** The bytes of the marker in progress (what would be released if it failed). */
  heldBytes(): Uint8Array {
    return encoder.encode(this.heldText());
  }

  /** After `released`: the bytes that were not a marker after all. */
  get released(): Uint8Array {
    return encoder.encode(this.releasedText);
  }

  reset(): void {
    this.matched = 0;
    this.kind = undefined;
    this.phase = 'prefix';
    this.idChars = '';
  }

  push(b: number): MarkerStep {
    if (this.matched === 0) return this.begin(b) ? 'partial' : 'plain';
    switch (this.phase) {
      case 'prefix':
        return this.extendPrefix(b);
      case 'id':
        if (isIdByte(b) && this.idChars.length < MAX_RUN_ID_LENGTH) {
          this.idChars += String.fromCharCode(b);
          return 'partial';
        }
        if (b === RIGHT_BRACKET && this.idChars.length > 0) {
          this.phase = 'bracket';
          return 'partial';
        }
        return this.fail(b);
      case 'bracket':
        if (b !== RIGHT_BRACKET) return this.fail(b);
        this.completed = {
          kind: this.kind!,
          id: this.idChars,
          length: (this.kind === 'close' ? CLOSE_MARKER_PREFIX : OPEN_MARKER_PREFIX).length + this.idChars.length + 2,
        };
        this.reset();
        return 'complete';
    }
  }

  private begin(b: number): boolean {
    if (b !== LEFT_BRACKET) return false;
    this.matched = 1;
    return true;
  }

  private extendPrefix(b: number): MarkerStep {
    if (this.matched === 1) {
      if (b === LEFT_BRACKET) {
        this.matched = 2;
        return 'partial';
      }
      return this.fail(b);
    }
    if (this.matched === 2) {
      if (b === LETTER_D) this.kind = 'open';
      else if (b === SLASH && this.acceptClose) this.kind = 'close';
      else if (b === LEFT_BRACKET) {
        // "[[[": the first bracket is plain, the last two may still open a marker.
        this.releasedText = '[';
        return 'released';
      } else return this.fail(b);
      this.matched = 3;
      return 'partial';
    }
    const prefix = this.kind === 'close' ? CLOSE_MARKER_PREFIX : OPEN_MARKER_PREFIX;
    if (b !== prefix[this.matched]) return this.fail(b);
    this.matched += 1;
    if (this.matched === prefix.length) this.phase = 'id';
    return 'partial';
  }

  /** The marker in progress is not one: release its bytes and look at `b` afresh (no marker's prefix after "[[" contains "["). */
  private fail(b: number): MarkerStep {
    this.releasedText = this.heldText();
    this.reset();
    this.begin(b);
    return 'released';
  }
}

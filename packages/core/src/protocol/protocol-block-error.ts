import { DotscienceError } from '../errors/store-errors.js';

/**
 * Why a Dotscience run block on a program's stdout was refused:
 * - `malformed-json`: the text between the markers is not JSON (or not UTF-8);
 * - `invalid-block`: it is JSON but not a run block of version "1" or "2" (see `problems`);
 * - `mismatched-id`: the closing marker names another run than the opening one;
 * - `unterminated`: the stream ended, or another block opened, before the closing marker;
 * - `too-large`: the block grew beyond the parser's `maxBlockBytes`.
 */
export type ProtocolBlockErrorReason = 'malformed-json' | 'invalid-block' | 'mismatched-id' | 'unterminated' | 'too-large';

/** Where a block starts in the stream: its opening marker's first byte. */
export interface ProtocolBlockLocation {
  /** Run id from the opening marker, when there was one. */
  runId?: string;
  /** 0-based byte offset of the opening marker in the stream. */
  offset?: number;
  /** 1-based line of the opening marker. */
  line?: number;
}

export interface ProtocolBlockProblem {
  /** Field path in the block's JSON, e.g. `input.0` or `parameters.lr`; empty for the whole block. */
  path: string;
  message: string;
}

const ADVICE: Record<ProtocolBlockErrorReason, string> = {
  'malformed-json': 'print the block with json.dumps (as the dotscience library does) and nothing else between the markers',
  'invalid-block': 'fix the fields named above; the run was not recorded',
  'mismatched-id': 'open and close each block with the same run id, and do not print other output inside a block',
  unterminated: 'print the closing [[/DOTSCIENCE-RUN:<id>]] marker (ds.publish() does) and flush stdout before the program exits',
  'too-large': 'record fewer or shorter values, or raise the block size limit',
};

function where(location: ProtocolBlockLocation): string {
  const parts: string[] = [];
  if (location.line !== undefined) parts.push(`line ${location.line}`);
  if (location.offset !== undefined) parts.push(`byte ${location.offset}`);
  return `Dotscience run block${location.runId ? ` ${location.runId}` : ''}${parts.length ? ` at ${parts.join(', ')}` : ''}`;
}

/** A run block on stdout that could not be recorded. The parser reports it and carries on with the rest of the output. */
export class ProtocolBlockError extends DotscienceError {
  readonly code = 'PROTOCOL_BLOCK';
  readonly runId: string | undefined;
  readonly offset: number | undefined;
  readonly line: number | undefined;

  constructor(
    readonly reason: ProtocolBlockErrorReason,
    /** What is wrong, in words (the JSON parser's message, the limit, the two ids…). */
    readonly detail: string,
    location: ProtocolBlockLocation = {},
    /** For `invalid-block`: each failing field and what is wrong with it. */
    readonly problems: readonly ProtocolBlockProblem[] = [],
  ) {
    const listed = problems.map((p) => `${p.path || '(block)'}: ${p.message}`).join('; ');
    super(`${where(location)}: ${detail}${listed ? ` — ${listed}` : ''} — ${ADVICE[reason]}`);
    this.runId = location.runId;
    this.offset = location.offset;
    this.line = location.line;
  }
}

import { z } from 'zod';
import type { ProtocolBlockError } from './protocol-block-error.js';
import type { RunBlock } from './run-block.js';

/** What the parser found in the stream, in stream order. */
export type ProtocolStreamEvent =
  /** Bytes that are not part of a block, exactly as the program wrote them. */
  | { kind: 'output'; bytes: Uint8Array }
  /** A run block that parsed; `offset`/`line` locate its opening marker. */
  | { kind: 'run'; runId: string; block: RunBlock; offset: number; line: number }
  /** A block that could not be recorded; the stream goes on after it. */
  | { kind: 'error'; error: ProtocolBlockError };

export const DEFAULT_MAX_BLOCK_BYTES = 64 * 1024 * 1024;

export const ProtocolStreamParserOptionsSchema = z.object({
  /** Largest block accepted (its JSON, in bytes). Default 64 MiB. */
  maxBlockBytes: z.number().int().positive().optional(),
});
export type ProtocolStreamParserOptions = z.input<typeof ProtocolStreamParserOptionsSchema>;

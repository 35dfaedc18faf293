import type { ExpectedRevision } from '../../ports/event-store.js';

/**
 * AppendTargetSchema's verdict on a plainly valid stream name and expected revision, or
 * undefined: then zod parses them, to name what is wrong. Every append makes this check,
 * and zod's object parse costs more than the append's own bookkeeping for a single event.
 */
export function plainAppendTarget(stream: unknown, expected: unknown): ExpectedRevision | undefined {
  if (typeof stream !== 'string' || stream.length === 0) return undefined;
  if (expected === undefined) return 'any';
  if (typeof expected === 'number') return Number.isSafeInteger(expected) && expected >= -1 ? expected : undefined;
  return expected === 'no_stream' || expected === 'stream_exists' || expected === 'any' ? expected : undefined;
}

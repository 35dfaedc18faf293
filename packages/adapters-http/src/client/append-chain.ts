import { parseInput, TimestampSchema } from '@dotscience/core';
import { AppendChainResponseSchema, type AppendChainResponse } from '../wire/wire-schemas.js';

const HASH = /^[0-9a-f]{64}$/;
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isInteger = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/**
 * `parseInput(AppendChainResponseSchema, answer, subject)`, with a fast path: plainly
 * valid answers are checked plainly (zod spends more per hash than the hub spends
 * writing it); anything else goes to zod, which refuses it naming the field (or
 * accepts it). A property test keeps the two verdicts in step.
 */
export function parseAppendChain(answer: unknown, subject: string): AppendChainResponse {
  return plainlyValidChain(answer) ?? parseInput(AppendChainResponseSchema, answer, subject);
}

type RecordedAtRun = AppendChainResponse['recordedAt'][number];

function plainlyValidChain(answer: unknown): AppendChainResponse | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined;
  const { nextExpectedRevision, position, first, hashes, positions, recordedAt } = answer as Record<string, unknown>;
  if (!isInteger(nextExpectedRevision) || !isInteger(position)) return undefined;
  let firstOut: AppendChainResponse['first'];
  if (first !== undefined) {
    if (typeof first !== 'object' || first === null) return undefined;
    const { revision, prevHash } = first as Record<string, unknown>;
    if (!isCount(revision) || typeof prevHash !== 'string' || !HASH.test(prevHash)) return undefined;
    firstOut = { revision, prevHash };
  }
  if (!Array.isArray(hashes) || !Array.isArray(positions) || !Array.isArray(recordedAt)) return undefined;
  const hashesOut = new Array<string>(hashes.length);
  for (let i = 0; i < hashes.length; i++) {
    const hash: unknown = hashes[i];
    if (typeof hash !== 'string' || !HASH.test(hash)) return undefined;
    hashesOut[i] = hash;
  }
  const positionsOut = new Array<number>(positions.length);
  for (let i = 0; i < positions.length; i++) {
    const at: unknown = positions[i];
    if (!isCount(at)) return undefined;
    positionsOut[i] = at;
  }
  const runs = new Array<RecordedAtRun>(recordedAt.length);
  for (let i = 0; i < recordedAt.length; i++) {
    const run: unknown = recordedAt[i];
    if (typeof run !== 'object' || run === null) return undefined;
    const { at, count } = run as Record<string, unknown>;
    if (typeof at !== 'string' || !isCount(count) || count === 0 || !TimestampSchema.safeParse(at).success) return undefined;
    runs[i] = { at, count };
  }
  // Keys in the schema's order, as zod writes them; a `first` key present but undefined stays (zod's rule).
  return 'first' in answer
    ? { nextExpectedRevision, position, first: firstOut, hashes: hashesOut, positions: positionsOut, recordedAt: runs }
    : { nextExpectedRevision, position, hashes: hashesOut, positions: positionsOut, recordedAt: runs };
}

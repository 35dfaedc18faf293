import { ProtocolBlockError, type ProtocolBlockLocation } from './protocol-block-error.js';
import { RunBlockSchema, type RunBlock } from './run-block.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parse the text between a block's markers (bytes as printed, or a string):
 * UTF-8, then JSON, then the run block schema (version "1" or "2"). Throws a ProtocolBlockError
 * (`malformed-json` or `invalid-block`, located at `location`) when it is not
 * a run block. Pure: nothing is recorded.
 */
export function parseRunBlock(json: Uint8Array | string, location: ProtocolBlockLocation = {}): RunBlock {
  let text: string;
  if (typeof json === 'string') text = json;
  else {
    try {
      text = strictUtf8.decode(json);
    } catch {
      throw new ProtocolBlockError('malformed-json', 'the block is not valid UTF-8 text', location);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ProtocolBlockError('malformed-json', `the block is not JSON (${(e as Error).message})`, location);
  }
  const result = RunBlockSchema.safeParse(value);
  if (result.success) return result.data;
  throw new ProtocolBlockError(
    'invalid-block',
    'the block is not a Dotscience run block (version "1", or "2" with metric series)',
    location,
    result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  );
}

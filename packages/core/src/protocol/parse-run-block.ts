import { ProtocolBlockError, type ProtocolBlockLocation } from './protocol-block-error.js';
import { RunBlockSchema, type RunBlock } from './run-block.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A block printed inside a notebook's JSON (`jupyter nbconvert --to notebook --stdout` prints the
 * executed notebook, the kernel's output in it): the text between the markers is then the inside
 * of JSON strings — one string, or nbformat's lines as several (`{\\n",\n    "    \\"input\\": [],\\n", …`).
 * Read as the strings of a JSON array and joined, it is the block as printed: its JSON value, or
 * undefined when the text is not that either.
 */
function valueInNotebookStrings(text: string): unknown {
  let strings: unknown;
  try {
    strings = JSON.parse(`["${text}"]`);
  } catch {
    return undefined;
  }
  if (!Array.isArray(strings) || !strings.every((s): s is string => typeof s === 'string')) return undefined;
  try {
    return JSON.parse(strings.join('')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Parse the text between a block's markers (bytes as printed, or a string):
 * UTF-8, then JSON (or JSON inside a notebook's JSON strings, see valueInNotebookStrings), then the run block schema (version "1" or "2"). Throws a ProtocolBlockError
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
    const unescaped = valueInNotebookStrings(text);
    if (unescaped === undefined) throw new ProtocolBlockError('malformed-json', `the block is not JSON (${(e as Error).message})`, location);
    value = unescaped;
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

import fc from 'fast-check';
import { RUN_BLOCK_KEYS } from '@dotscience/core';

/**
 * Arbitraries for the stdout protocol fuzz: VALID run blocks (as the Python library prints
 * them, or compact), and mutations of valid blocks, so that the fuzz reaches the schema,
 * string-map, path and timestamp checks and not only the JSON parser's first error.
 */

/** A block as written: the JSON value printed between the markers. */
export type WrittenBlock = Record<string, unknown>;

/** Closing-marker text of a run that is NOT the block's: inside a JSON string it is just text. */
const OTHER_RUN = 'not-this-run';
const MARKER_TEXT = [`[[/DOTSCIENCE-RUN:${OTHER_RUN}]]`, `[[DOTSCIENCE-RUN:${OTHER_RUN}]]`, '[[DOTSCIENCE-RUN:', ']]', '[['];

/** Any text a value may hold: every code point, escapes, and marker text of another run. */
const anyText = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', maxLength: 24 }), weight: 4 },
  fc
    .array(fc.oneof(fc.constantFrom(...MARKER_TEXT, '"', '\\', '\n', '\r', '\t', '\u2028', '\u0000', 'é', '🚀'), fc.string({ maxLength: 4 })), { maxLength: 6 })
    .map((p) => p.join('')),
);

/** A name in parameters/summary/labels: 1–1024 UTF-16 units (the limit itself included). */
const mapName = fc.oneof(
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }).filter((n) => n.length <= 1024 && n !== '__proto__'), weight: 9 },
  fc.constant('n'.repeat(1024)),
);
const stringMap = fc.uniqueArray(fc.tuple(mapName, anyText), { selector: ([name]) => name, maxLength: 6 }).map((entries) => Object.fromEntries(entries));

/** A relative path inside the working directory, sometimes spelled unnormalized (`./a//b`, `a/./b`). */
const pathSegment = fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }).filter((s) => !s.includes('/') && !s.includes('\0') && s !== '..');
const dataPath = fc
  .tuple(fc.boolean(), fc.array(fc.tuple(pathSegment, fc.constantFrom('/', '//', '/./')), { minLength: 1, maxLength: 4 }))
  .map(([dotSlash, parts]) => `${dotSlash ? './' : ''}${parts.map(([s, sep], i) => (i === 0 ? s : `${sep}${s}`)).join('')}`);

/** The library's `%Y%m%dT%H%M%S.%f` in UTC (the fraction 0–9 digits), any real date in years 1–9999. */
const protocolTimestamp = fc
  .tuple(
    fc.date({ min: new Date('0001-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }),
    fc.integer({ min: 0, max: 9 }),
    fc.nat(999_999_999),
  )
  .map(([d, digits, fraction]) => {
    const two = (n: number): string => String(n).padStart(2, '0');
    const base = `${String(d.getUTCFullYear()).padStart(4, '0')}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}T${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`;
    return digits === 0 ? base : `${base}.${String(fraction).padStart(9, '0').slice(0, digits)}`;
  });

/** Keys a later library might add: kept in the parsed block, ignored by the plan. */
const unknownKeys = fc
  .uniqueArray(
    fc.tuple(
      fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !RUN_BLOCK_KEYS.has(k) && k !== '__proto__'),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    {
      selector: ([k]) => k,
      maxLength: 2,
    },
  )
  .map((entries) => Object.fromEntries(entries));

const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

/** A valid version "1" run block; every optional field is sometimes absent. */
export const validRunBlock: fc.Arbitrary<WrittenBlock> = fc
  .record({
    input: optional(fc.array(dataPath, { maxLength: 4 })),
    output: optional(fc.array(dataPath, { maxLength: 4 })),
    parameters: optional(stringMap),
    summary: optional(stringMap),
    labels: optional(stringMap),
    description: optional(anyText),
    error: optional(anyText),
    start: optional(protocolTimestamp),
    end: optional(protocolTimestamp),
    'workload-file': optional(anyText.filter((s) => s.length > 0 && !s.includes('\0'))),
    extra: unknownKeys,
  })
  .map(({ extra, ...fields }) => {
    const block: WrittenBlock = { version: '1', ...extra };
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) block[key] = value;
    return block;
  });

const sortedKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [k, sortedKeys(v)]),
  );
};

/** How a block is printed: as the Python library does (`json.dumps(sort_keys=True, indent=4)`, ASCII with \u escapes), or compact UTF-8. */
export type PrintStyle = 'python' | 'compact';
export function printBlock(value: unknown, style: PrintStyle): string {
  if (style === 'compact') return JSON.stringify(value);
  return JSON.stringify(sortedKeys(value), null, 4).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** What a parser must return for JSON text that is a valid block: the value as written, missing lists and maps empty. */
export const asWritten = (json: string): WrittenBlock => ({
  input: [],
  output: [],
  parameters: {},
  summary: {},
  labels: {},
  ...(JSON.parse(json) as WrittenBlock),
});

/** Byte-level damage to a printed block (positions are taken modulo its length). */
export type ByteMutation =
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; at: number; length: number };

const FRAGMENTS = ['"', '\\', '{', '}', '[', ']', ',', ':', 'null', '1e999', '"x"', '\n', '"version": "2", ', '"input": ["/etc"], ', '\\ud800', ...MARKER_TEXT];
export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.oneof(
      fc.constantFrom(...FRAGMENTS).map((f) => [...Buffer.from(f)]),
      fc.array(fc.nat(255), { minLength: 1, maxLength: 4 }),
    ),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 24 }) }),
);

export function mutateBytes(printed: Uint8Array, m: ByteMutation): Uint8Array {
  const bytes = Buffer.from(printed);
  const at = bytes.length === 0 ? 0 : m.at % bytes.length;
  switch (m.kind) {
    case 'flip':
      bytes[at] = bytes[at]! ^ m.mask;
      return bytes;
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.bytes), bytes.subarray(at)]);
    case 'truncate':
      return bytes.subarray(0, at);
    case 'duplicate':
      return Buffer.concat([bytes.subarray(0, at + m.length), bytes.subarray(at, at + m.length), bytes.subarray(at + m.length)]);
  }
}

/** One field of a valid block made invalid, and the problem path the refusal must name ('' = the whole block). */
export interface FieldMutation {
  value: unknown;
  field: string;
}

// Absolute and `..` paths are valid: the library makes paths relative to its root, so data outside it
// comes as `../…` (or absolute), and the runner records it as an external dataset.
const badPaths = ['', 'nul\0byte'];
const notString = fc.oneof(fc.integer(), fc.constant(null), fc.constant(true), fc.array(fc.string(), { maxLength: 2 }), fc.constant({ nested: 'x' }));
const badTimestamps = ['2019-05-17T14:22:33Z', '20191317T000000', '20190230T000000.1', '20190517T142233.1234567890', '', 'now'];

/** A valid block with exactly one field made invalid (wrong type, empty or NUL path, impossible time, …). */
export const fieldMutation: fc.Arbitrary<FieldMutation> = fc
  .tuple(
    validRunBlock,
    fc.oneof(
      fc.constantFrom('3', '', 'v1').map((v) => ({ key: 'version', value: v as unknown })),
      fc.constantFrom(1, null).map((v) => ({ key: 'version', value: v as unknown })),
      fc.tuple(fc.constantFrom('input', 'output'), fc.constantFrom(...badPaths)).map(([key, bad]) => ({ key, bad })),
      fc.tuple(fc.constantFrom('parameters', 'summary', 'labels'), notString).map(([key, v]) => ({ key, entry: v })),
      fc.constantFrom('parameters', 'summary', 'labels', 'input', 'output').map((key) => ({ key, value: 'not a list or map' as unknown })),
      fc.tuple(fc.constantFrom('start', 'end'), fc.constantFrom(...badTimestamps)).map(([key, v]) => ({ key, value: v as unknown })),
      fc.constantFrom('', 'a\0b').map((v) => ({ key: 'workload-file', value: v as unknown })),
      fc.tuple(fc.constantFrom('description', 'error'), notString).map(([key, v]) => ({ key, value: v })),
      fc.constantFrom<unknown>([], 1, 'text', null).map((v) => ({ key: '', value: v })),
    ),
  )
  .map(([block, change]): FieldMutation => {
    if (change.key === '') return { value: change.value, field: '' };
    if ('bad' in change) {
      const list = Array.isArray(block[change.key]) ? [...(block[change.key] as string[])] : [];
      return { value: { ...block, [change.key]: [...list, change.bad] }, field: `${change.key}.${list.length}` };
    }
    if ('entry' in change) {
      const map = { ...((block[change.key] as Record<string, unknown> | undefined) ?? {}), 'bad-value': change.entry };
      return { value: { ...block, [change.key]: map }, field: `${change.key}.bad-value` };
    }
    return { value: { ...block, [change.key]: change.value }, field: change.key };
  });

/** Plain output around blocks: any text without `[[` (so it cannot open a marker itself). */
export const plainOutput = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('[['));

/** A run id as the library prints it (a UUID) or at the 128-character limit. */
export const runId = fc.oneof({ arbitrary: fc.uuid(), weight: 9 }, fc.constant(`r${'0'.repeat(127)}`));

/** `bytes` cut at the given chunk lengths (the rest is one last chunk). */
export function chunked(bytes: Uint8Array, lengths: readonly number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const length of lengths) {
    chunks.push(bytes.subarray(at, at + length));
    at += length;
  }
  chunks.push(bytes.subarray(at));
  return chunks;
}

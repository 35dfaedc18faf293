import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteString, pythonBlock, recordStream, splitAt, utf8, type StreamRecording } from './protocol-stream-recording.js';

const RUN_A = '0b7c4c2e-9d3e-4a51-8f63-2f4f1a6f8d01';
const RUN_B = '5e2a8f10-3c44-4b7e-9a2d-77c1e0b9f6a2';
const RUN_C = 'c9d2f0aa-1b2c-4d3e-8f40-5a6b7c8d9e0f';
const RUN_D = 'd1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6';
const LIMIT = 600;

const bytesOf = (...parts: Array<string | number[]>): Uint8Array => Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...utf8(p)] : p)));

/** A stream with every case the parser handles, to be cut at every position. */
const SAMPLE = bytesOf(
  'Loading iris… 150 rows ✓\n',
  [0xff, 0xfe, 0x80, 0x0a], // not UTF-8
  'epoch 1 [[ almost [[DOTSCIENCE-RUNNER]] [[[',
  pythonBlock(RUN_A, {
    input: ['data/iris.csv', './data//iris.csv'],
    output: ['model'],
    parameters: { max_depth: '3', criterion: 'gini' },
    summary: { accuracy: '0.953' },
    labels: { owner: 'zoë 🚀' },
    description: `quoted [[/DOTSCIENCE-RUN:${RUN_C}]] inside`,
    start: '20190517T142233.123456',
    end: '20190517T142240.000001',
    'workload-file': 'train.py',
  }),
  'text before on the same line ',
  pythonBlock(RUN_B, { error: 'ValueError: boom' }).replace(/\n$/, '\r\n'),
  `[[DOTSCIENCE-RUN:${RUN_C}]]{"version": "1", broken}[[/DOTSCIENCE-RUN:${RUN_C}]]\n`,
  `[[DOTSCIENCE-RUN:${RUN_C}]]{"version": "1"}[[/DOTSCIENCE-RUN:${RUN_A}]]tail on line\n`,
  pythonBlock(RUN_D, { description: 'z'.repeat(LIMIT) }),
  `interrupted: [[DOTSCIENCE-RUN:${RUN_A}]]{"version": `,
  pythonBlock(RUN_B, { version: '3' }),
  'last line\r',
  `[[DOTSCIENCE-RUN:${RUN_D}]]{"version": "1", "input": ["never closed`,
);

const whole = recordStream([SAMPLE], { maxBlockBytes: LIMIT });
const wholeOutput = byteString(whole.output);

function sameAsWhole(recording: StreamRecording): void {
  expect(byteString(recording.output)).toBe(wholeOutput);
  expect(recording.findings).toEqual(whole.findings);
}

describe('ProtocolStreamParser: where chunks split does not matter', () => {
  it('the sample stream has every kind of finding (guards the split tests below)', () => {
    expect(whole.findings.map((f) => (f.kind === 'run' ? `run ${f.runId}` : `${f.reason} ${f.runId}`))).toEqual([
      `run ${RUN_A}`,
      `run ${RUN_B}`,
      `malformed-json ${RUN_C}`,
      `mismatched-id ${RUN_C}`,
      `too-large ${RUN_D}`,
      `unterminated ${RUN_A}`,
      `invalid-block ${RUN_B}`,
      `unterminated ${RUN_D}`,
    ]);
    const output = whole.output;
    // Output keeps the non-UTF-8 bytes, the look-alikes, the text around blocks, the refused blocks' text, and nothing of accepted blocks.
    expect([...output.subarray(0, 40)]).toEqual([...SAMPLE.subarray(0, 40)]);
    const latin = Buffer.from(output).toString('latin1');
    expect(latin).toContain('epoch 1 [[ almost [[DOTSCIENCE-RUNNER]] [[[text before on the same line tail on line\n');
    expect(latin).not.toContain(`[[DOTSCIENCE-RUN:${RUN_B}]]`);
    expect(latin).toContain(`[[DOTSCIENCE-RUN:${RUN_D}]]{\n    "description": "zzz`);
    expect(latin.endsWith(`last line\r[[DOTSCIENCE-RUN:${RUN_D}]]{"version": "1", "input": ["never closed`)).toBe(true);
  });

  it('one split at every position gives the same output and findings', () => {
    for (let cut = 0; cut <= SAMPLE.length; cut += 1) sameAsWhole(recordStream(splitAt(SAMPLE, [cut]), { maxBlockBytes: LIMIT }));
  });

  it('one byte at a time gives the same output and findings', () => {
    const cuts = Array.from({ length: SAMPLE.length - 1 }, (_, i) => i + 1);
    sameAsWhole(recordStream(splitAt(SAMPLE, cuts), { maxBlockBytes: LIMIT }));
  });

  it('any random set of splits gives the same output and findings', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: SAMPLE.length - 1 }), { maxLength: 40 }), (cuts) => {
        sameAsWhole(
          recordStream(
            splitAt(
              SAMPLE,
              [...cuts].sort((a, b) => a - b),
            ),
            { maxBlockBytes: LIMIT },
          ),
        );
      }),
      { numRuns: 1500 },
    );
  });

  it('chunks given as strings split inside surrogate pairs give the same result as bytes', () => {
    const sample = `α ${pythonBlock(RUN_A, { labels: { mood: '😀🚀' } })}🚀 done 😀`;
    const expected = recordStream([utf8(sample)]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: sample.length - 1 }), { maxLength: 12 }), (cuts) => {
        const sorted = [...cuts].sort((a, b) => a - b);
        const pieces = [0, ...sorted].map((from, i) => sample.slice(from, sorted[i] ?? sample.length));
        const r = recordStream(pieces);
        expect(byteString(r.output)).toBe(byteString(expected.output));
        expect(r.findings).toEqual(expected.findings);
      }),
      { numRuns: 1000 },
    );
  });
});

const OPEN_MARKER = /\[\[DOTSCIENCE-RUN:[A-Za-z0-9._-]{1,128}\]\]/;

/** Text made of marker fragments, brackets, line breaks, UTF-8 and random bytes. */
const noisyBytes = fc
  .array(
    fc.oneof(
      fc
        .constantFrom('[', '[[', ']]', ']', '[[DOTSCIENCE-RUN:', '[[/DOTSCIENCE-RUN:', 'DOTSCIENCE', `${RUN_A}]]`, '\n', '\r\n', ' ', '"', '\\', 'é', '🚀')
        .map(utf8),
      fc.string({ unit: 'binary', maxLength: 8 }).map(utf8),
      fc.uint8Array({ maxLength: 8 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => Uint8Array.from(parts.flatMap((p) => [...p])))
  .filter((bytes) => !OPEN_MARKER.test(Buffer.from(bytes).toString('latin1')));

const cutsFor = (length: number) =>
  fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { maxLength: 10 }).map((c) => c.filter((x) => x < length).sort((a, b) => a - b));

describe('ProtocolStreamParser: output without blocks is passed through unchanged', () => {
  it('for any text without an opening marker, however split, output == input and nothing is found', () => {
    fc.assert(
      fc.property(
        noisyBytes.chain((bytes) => fc.tuple(fc.constant(bytes), cutsFor(bytes.length))),
        ([bytes, cuts]) => {
          const r = recordStream(splitAt(bytes, cuts));
          expect(byteString(r.output)).toBe(byteString(bytes));
          expect(r.findings).toEqual([]);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('for any text between valid blocks, output == the text and every block is found in order', () => {
    const block = fc.record({
      runId: fc.uuid(),
      parameters: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
      description: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(noisyBytes, block), { maxLength: 5 }),
        noisyBytes,
        fc.array(fc.integer({ min: 0, max: 10_000 }), { maxLength: 10 }),
        (pieces, last, rawCuts) => {
          const texts = [...pieces.map(([t]) => t), last];
          const stream = bytesOf(
            ...pieces.flatMap(([t, b]) => [
              [...t],
              pythonBlock(b.runId, b.description === undefined ? { parameters: b.parameters } : { parameters: b.parameters, description: b.description }),
            ]),
            [...last],
          );
          const cuts = [...new Set(rawCuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const r = recordStream(splitAt(stream, cuts));
          // A text piece ending in "[" or "[[" may join a following marker: still output, still the same bytes.
          expect(byteString(r.output)).toBe(byteString(bytesOf(...texts.map((t) => [...t]))));
          expect(r.findings.map((f) => (f.kind === 'run' ? f.runId : `error ${f.reason}`))).toEqual(pieces.map(([, b]) => b.runId));
        },
      ),
      { numRuns: 1000 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRunBlock } from '../../src/index.js';
import { pythonBlock, recordStream, splitAt, utf8 } from './protocol-stream-recording.js';

/**
 * `jupyter nbconvert --to notebook --stdout` prints the executed notebook: the run blocks the kernel
 * printed are inside its JSON strings (escaped; one string or nbformat's lines), and `ds run` reads
 * them from there as it reads blocks printed plainly.
 */

const RUN_IDS = ['0b7c4c2e-9d3e-4a51-8f63-2f4f1a6f8d01', '5e2a8f10-3c44-4b7e-9a2d-77c1e0b9f6a2'] as const;
const MARKER = /DOTSCIENCE/;

/** Text a user's code may print or hold: any characters (quotes, backslashes, newlines, emoji), but no marker. */
const anyText = (maxLength: number) => fc.string({ unit: 'binary', maxLength }).filter((s) => !MARKER.test(s));

const metadata = fc.record(
  {
    parameters: fc.dictionary(
      anyText(12).filter((k) => k.length > 0),
      anyText(30),
      { maxKeys: 4 },
    ),
    summary: fc.dictionary(
      anyText(12).filter((k) => k.length > 0),
      anyText(30),
      { maxKeys: 3 },
    ),
    description: anyText(60),
    input: fc.array(fc.stringMatching(/^[a-z][a-z0-9_/]{0,15}\.csv$/), { maxLength: 3 }),
  },
  { requiredKeys: ['parameters'] },
);

const nbformatText = (text: string, asLines: boolean): string | string[] => (asLines ? text.split(/(?<=\n)/) : text);

describe('run blocks printed inside a notebook’s JSON (nbconvert --stdout)', () => {
  it('property: every block is found once, equal to the block as printed, however the notebook is indented, its text split into lines and its stream chunked', () => {
    fc.assert(
      fc.property(
        fc.array(metadata, { minLength: 1, maxLength: 2 }),
        anyText(40),
        anyText(40),
        fc.boolean(),
        fc.constantFrom(undefined, 1, 2),
        fc.array(fc.nat(), { maxLength: 6 }),
        (blocks, before, after, asLines, indent, rawCuts) => {
          const printed = blocks.map((fields, i) => pythonBlock(RUN_IDS[i]!, fields));
          const notebook = {
            nbformat: 4,
            nbformat_minor: 5,
            metadata: { kernelspec: { name: 'python3' } },
            cells: printed.map((block, i) => ({
              cell_type: 'code',
              source: nbformatText(`x = ${JSON.stringify(before)}\nds.publish()\n`, asLines),
              outputs: [{ output_type: 'stream', name: 'stdout', text: nbformatText(`${before}\n${block}${after}`, asLines) }],
              execution_count: i + 1,
              metadata: {},
            })),
          };
          const stdout = utf8(`${JSON.stringify(notebook, null, indent)}\n`);
          const cuts = [...new Set(rawCuts.map((c) => c % (stdout.length + 1)))].sort((a, b) => a - b);
          const recording = recordStream(splitAt(stdout, cuts));
          expect(recording.errors).toEqual([]);
          const expected = printed.map((block, i) => ({
            runId: RUN_IDS[i],
            block: parseRunBlock(block.slice(block.indexOf(']]') + 2, block.lastIndexOf('[[/'))),
          }));
          expect(recording.findings.map((f) => (f.kind === 'run' ? { runId: f.runId, block: f.block } : f))).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('given an escaped text that is not a block’s JSON, when read, then it is reported malformed, not recorded', () => {
    const broken = `"text": ["[[DOTSCIENCE-RUN:${RUN_IDS[0]}]]{\\n", "    \\"version\\": \\"1\\", broken\\n", "}[[/DOTSCIENCE-RUN:${RUN_IDS[0]}]]\\n"]`;
    const recording = recordStream([utf8(broken)]);
    expect(recording.findings).toEqual([expect.objectContaining({ kind: 'error', reason: 'malformed-json', runId: RUN_IDS[0] })]);
  });
});

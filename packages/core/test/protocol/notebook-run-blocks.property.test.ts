import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { notebookRunBlocks, parseNotebook, type NotebookRunBlocks } from '../../src/protocol/notebook-run-blocks.js';
import { pythonBlock } from './protocol-stream-recording.js';

/** What a cell's output text holds, piece by piece. */
type Piece =
  | { kind: 'garbage'; text: string }
  | { kind: 'valid'; runId: string; depth: number }
  | { kind: 'malformed'; runId: string; reason: 'malformed-json' | 'invalid-block' };

const VALID_IDS = [
  '0b7c4c2e-9d3e-4a51-8f63-2f4f1a6f8d01',
  '5e2a8f10-3c44-4b7e-9a2d-77c1e0b9f6a2',
  'c9d2f0aa-1b2c-4d3e-8f40-5a6b7c8d9e0f',
  'D1E2F3A4-B5C6-4D7E-8F90-A1B2C3D4E5F6',
];
const BAD_IDS = ['11111111-2222-4333-8444-555555555555', '66666666-7777-4888-9999-aaaaaaaaaaaa'];

const piece: fc.Arbitrary<Piece> = fc.oneof(
  // Anything but an opening bracket: garbage never forms a marker of its own.
  fc.string({ maxLength: 30 }).map((text) => ({ kind: 'garbage' as const, text: text.replace(/\[/g, '(') })),
  fc.record({ kind: fc.constant('valid' as const), runId: fc.constantFrom(...VALID_IDS), depth: fc.integer({ min: 1, max: 9 }) }),
  fc.record({
    kind: fc.constant('malformed' as const),
    runId: fc.constantFrom(...BAD_IDS),
    reason: fc.constantFrom('malformed-json' as const, 'invalid-block' as const),
  }),
);

function textOf(p: Piece): string {
  switch (p.kind) {
    case 'garbage':
      return p.text;
    case 'valid':
      // The same run id always prints the same block, as a re-executed cell's kept output does.
      return pythonBlock(p.runId, { parameters: { depth: String(VALID_IDS.indexOf(p.runId)) } });
    case 'malformed':
      return p.reason === 'malformed-json'
        ? `[[DOTSCIENCE-RUN:${p.runId}]]{"version": "1", broken}[[/DOTSCIENCE-RUN:${p.runId}]]\n`
        : pythonBlock(p.runId, { version: '9' });
  }
}

/** A text cut at the given fractions: nbformat's multiline text as an array, or the string itself. */
function multiline(text: string, cuts: number[], asArray: boolean): string | string[] {
  if (!asArray) return text;
  const at = [...new Set(cuts.map((c) => Math.floor(c * text.length)))].sort((a, b) => a - b);
  const parts: string[] = [];
  let from = 0;
  for (const cut of at) {
    parts.push(text.slice(from, cut));
    from = cut;
  }
  parts.push(text.slice(from));
  return parts;
}

const cut = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 });

interface CellPlan {
  markdown: boolean;
  stdout: Piece[];
  /** Where the stdout text is split into separate stream outputs, and how each is split into lines. */
  streamCuts: number[];
  lineCuts: number[];
  asArray: boolean;
  displays: Piece[][];
  stderrNoise: string;
}

const cellPlan: fc.Arbitrary<CellPlan> = fc.record({
  markdown: fc.boolean(),
  stdout: fc.array(piece, { maxLength: 5 }),
  streamCuts: cut,
  lineCuts: cut,
  asArray: fc.boolean(),
  displays: fc.array(fc.array(piece, { maxLength: 3 }), { maxLength: 2 }),
  stderrNoise: fc.string({ maxLength: 20 }).map((t) => t.replace(/\[/g, '(')),
});

function notebookOf(plans: CellPlan[]): unknown {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: plans.map((plan) => {
      if (plan.markdown) return { cell_type: 'markdown', metadata: {}, source: ['# notes ', `[[DOTSCIENCE-RUN:${BAD_IDS[0]}]] in markdown is not output`] };
      const stdout = plan.stdout.map(textOf).join('');
      const chunks = multiline(stdout, plan.streamCuts, true) as string[];
      const outputs: unknown[] = [{ output_type: 'stream', name: 'stderr', text: plan.stderrNoise }];
      for (const chunk of chunks) outputs.push({ output_type: 'stream', name: 'stdout', text: multiline(chunk, plan.lineCuts, plan.asArray) });
      outputs.push({ output_type: 'display_data', data: { 'image/png': 'iVBORw0KGgo=' }, metadata: {} });
      plan.displays.forEach((pieces, i) => {
        const text = multiline(pieces.map(textOf).join(''), plan.lineCuts, plan.asArray);
        outputs.push(
          i % 2 === 0
            ? { output_type: 'execute_result', execution_count: 1, data: { 'text/plain': text }, metadata: {} }
            : { output_type: 'display_data', data: { 'text/plain': text }, metadata: {} },
        );
      });
      outputs.push({ output_type: 'error', ename: 'ValueError', evalue: 'boom', traceback: [`[[DOTSCIENCE-RUN:${BAD_IDS[1]}]] in a traceback`] });
      return { cell_type: 'code', execution_count: 1, metadata: {}, source: 'ds.publish()', outputs };
    }),
  };
}

/** What the plans say must be found: each valid run once where first printed, every later print repeated, every malformed block an error. */
function expected(plans: CellPlan[]): NotebookRunBlocks {
  const out: NotebookRunBlocks = { runs: [], repeated: [], errors: [] };
  const seen = new Set<string>();
  plans.forEach((plan, cell) => {
    if (plan.markdown) return;
    for (const p of [...plan.stdout, ...plan.displays.flat()]) {
      if (p.kind === 'valid') {
        if (seen.has(p.runId.toLowerCase())) out.repeated.push({ runId: p.runId, cell });
        else {
          seen.add(p.runId.toLowerCase());
          out.runs.push({ runId: p.runId, cell } as never);
        }
      } else if (p.kind === 'malformed') out.errors.push({ cell, runId: p.runId, reason: p.reason } as never);
    }
  });
  return out;
}

describe('notebookRunBlocks on random notebooks', () => {
  it('records every valid block exactly once (by run id), reports every malformed one with its cell and reason, and nothing else', () => {
    fc.assert(
      fc.property(fc.array(cellPlan, { maxLength: 6 }), (plans) => {
        const found = notebookRunBlocks(parseNotebook(JSON.parse(JSON.stringify(notebookOf(plans)))));
        const want = expected(plans);
        expect(found.runs.map((r) => ({ runId: r.runId, cell: r.cell }))).toEqual(want.runs);
        expect(found.repeated).toEqual(want.repeated);
        expect(found.errors.map((e) => ({ cell: e.cell, runId: e.runId, reason: e.reason }))).toEqual(want.errors);
        for (const error of found.errors) expect(error.message).toMatch(new RegExp(`^cell ${error.cell}: `));
        for (const run of found.runs) expect(run.block.parameters).toEqual({ depth: String(VALID_IDS.indexOf(run.runId)) });
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseNotebook', () => {
  it('refuses what is not an nbformat 4 notebook, naming the field', () => {
    expect(() => parseNotebook({ nbformat: 3, worksheets: [] })).toThrow(/nbformat: must be 4/);
    expect(() => parseNotebook({ nbformat: 4, cells: [{ cell_type: 'code', outputs: [{ output_type: 'stream', text: 7 }] }] })).toThrow(
      /cells\.0\.outputs\.0\.text/,
    );
  });
});

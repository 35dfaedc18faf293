import { z } from 'zod';
import { parseInput } from '../errors/parse-input.js';
import type { ProtocolBlockErrorReason } from './protocol-block-error.js';
import { ProtocolStreamParser } from './protocol-stream-parser.js';
import type { RunBlock } from './run-block.js';

/**
 * Run blocks printed in a saved Jupyter notebook (nbformat 4). The dotscience library, in a
 * notebook, prints each run block into the output of the cell that published it: a `stream`
 * output (print), or the `text/plain` of a `display_data` / `execute_result`. Text is a string
 * or an array of strings joined (nbformat's multiline text); the stream outputs of one cell are
 * read as one text per stream name (Jupyter splits a cell's prints over several outputs
 * anywhere), each display or result on its own.
 */

/** nbformat's multiline text: a string, or lines (each keeping its newline) to be joined. */
const MultilineTextSchema = z.union([z.string(), z.array(z.string())], { error: 'must be a string or an array of strings (nbformat multiline text)' });

const OutputSchema = z.looseObject({
  output_type: z.string({ error: 'must be the output type (stream, display_data, execute_result, error)' }),
  name: z.string().optional(),
  text: MultilineTextSchema.optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

const CellSchema = z.looseObject({
  cell_type: z.string({ error: 'must be the cell type (code, markdown, raw)' }),
  source: MultilineTextSchema.optional(),
  outputs: z.array(OutputSchema).optional(),
});

export const NotebookSchema = z.looseObject({
  nbformat: z.literal(4, { error: 'must be 4: only nbformat 4 notebooks (Jupyter 4 and later) are read' }),
  cells: z.array(CellSchema),
});
export type Notebook = z.output<typeof NotebookSchema>;
export type NotebookCell = Notebook['cells'][number];

/** A run block found in a cell. */
export interface NotebookRunBlock {
  runId: string;
  block: RunBlock;
  /** 0-based index of the cell (in `cells`, markdown cells counted) whose output printed it. */
  cell: number;
}

/** A block in a cell that could not be read. */
export interface NotebookBlockError {
  cell: number;
  runId?: string;
  /** Why the block could not be read, or `not-recorded` when it was read but could not be recorded. */
  reason: ProtocolBlockErrorReason | 'not-recorded';
  message: string;
}

export interface NotebookRunBlocks {
  /** Each run once, by run id (case-insensitive), where it was first printed; in notebook order. */
  runs: NotebookRunBlock[];
  /** Blocks printed again (a re-executed cell's output kept twice): not runs of their own. */
  repeated: Array<{ runId: string; cell: number }>;
  errors: NotebookBlockError[];
}

/** nbformat text as one string. */
export const joinedText = (text: string | readonly string[] | undefined): string => (text === undefined ? '' : typeof text === 'string' ? text : text.join(''));

/** Parse a notebook's JSON value; an InvalidInputError names the field (`cells.3.outputs.0.text`) when it is no nbformat 4 notebook. */
export function parseNotebook(value: unknown, subject = 'notebook'): Notebook {
  return parseInput(NotebookSchema, value, subject);
}

/** The texts of a cell's outputs where run blocks may be: one per stream name, then each display's and result's text/plain. */
export function cellOutputTexts(cell: NotebookCell): string[] {
  const streams = new Map<string, string>();
  const shown: string[] = [];
  for (const output of cell.outputs ?? []) {
    if (output.output_type === 'stream') {
      const name = output.name ?? 'stdout';
      streams.set(name, (streams.get(name) ?? '') + joinedText(output.text));
    } else if (output.output_type === 'display_data' || output.output_type === 'execute_result') {
      const plain = output.data?.['text/plain'];
      if (typeof plain === 'string' || (Array.isArray(plain) && plain.every((line) => typeof line === 'string')))
        shown.push(joinedText(plain as string | string[]));
    }
  }
  return [...streams.values(), ...shown];
}

/** The run blocks of a parsed notebook, each run once, with the blocks that could not be read. Pure. */
export function notebookRunBlocks(notebook: Notebook): NotebookRunBlocks {
  const runs: NotebookRunBlock[] = [];
  const repeated: NotebookRunBlocks['repeated'] = [];
  const errors: NotebookBlockError[] = [];
  const seen = new Set<string>();
  notebook.cells.forEach((cell, index) => {
    for (const text of cellOutputTexts(cell)) {
      if (!text.includes('[[DOTSCIENCE-RUN:')) continue;
      const parser = new ProtocolStreamParser();
      for (const found of [...parser.write(text), ...parser.end()]) {
        if (found.kind === 'error') {
          const { error } = found;
          errors.push({
            cell: index,
            ...(error.runId === undefined ? {} : { runId: error.runId }),
            reason: error.reason,
            message: `cell ${index}: ${error.message}`,
          });
        } else if (found.kind === 'run') {
          const key = found.runId.toLowerCase();
          if (seen.has(key)) repeated.push({ runId: found.runId, cell: index });
          else {
            seen.add(key);
            runs.push({ runId: found.runId, block: found.block, cell: index });
          }
        }
      }
    }
  });
  return { runs, repeated, errors };
}

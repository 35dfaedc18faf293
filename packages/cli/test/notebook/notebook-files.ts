import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** A run block as the Python library prints it (sorted keys, indent 4), with its newline. */
export function printedBlock(runId: string, metadata: Record<string, unknown>): string {
  const sorted = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sorted)
      : typeof value === 'object' && value !== null
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
          )
        : value;
  const json = JSON.stringify(sorted({ version: '1', input: [], output: [], labels: {}, summary: {}, parameters: {}, ...metadata }), null, 4);
  return `[[DOTSCIENCE-RUN:${runId}]]${json}[[/DOTSCIENCE-RUN:${runId}]]\n`;
}

/** Text as nbformat keeps it: an array of lines, each with its newline. */
export const lines = (text: string): string[] => text.split(/(?<=\n)/);

/** An nbformat 4 notebook: a markdown cell, then one code cell per entry, its outputs given. */
export function notebookJson(codeCells: Array<{ source: string; outputs: unknown[] }>): string {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } },
    cells: [
      { cell_type: 'markdown', metadata: {}, source: ['# Training\n', 'A *tree* on the iris data.'] },
      ...codeCells.map((c) => ({ cell_type: 'code', execution_count: 1, metadata: {}, source: lines(c.source), outputs: c.outputs })),
    ],
  });
}

export const streamOutput = (text: string, asLines = true): unknown => ({ output_type: 'stream', name: 'stdout', text: asLines ? lines(text) : text });

export const sha256File = (path: string): string => `sha256:${createHash('sha256').update(readFileSync(path)).digest('hex')}`;

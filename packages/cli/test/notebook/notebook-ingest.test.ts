import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ds } from '../fixtures/cli-process.js';
import { freshProject } from '../run/ds-run-process.js';
import { notebookJson, printedBlock, sha256File, streamOutput } from './notebook-files.js';

const FIRST = '0b7c4c2e-9d3e-4a51-8f63-2f4f1a6f8d01';
const SECOND = '5e2a8f10-3c44-4b7e-9a2d-77c1e0b9f6a2';
const BROKEN = 'c9d2f0aa-1b2c-4d3e-8f40-5a6b7c8d9e0f';

interface IngestReport {
  notebook: string;
  recorded: Array<{ runId: string; cell: number }>;
  alreadyRecorded: string[];
  repeated: Array<{ runId: string; cell: number }>;
  errors: Array<{ cell: number; reason: string; message: string }>;
}

interface ShownRun {
  runId: string;
  mode: string;
  workload: { notebook?: string; cell?: number };
  codeVersion: { notebook?: { digest: string; kind: string } };
  parameters: Record<string, unknown>;
  metrics: Record<string, { count: number; lastStep: number | null }>;
  inputs: Array<{ path: string }>;
}

const ingest = (project: string, ...notebooks: string[]) => ds(['notebook', 'ingest', '--json', ...notebooks], { cwd: project });

describe('ds notebook ingest', () => {
  let project: string;
  beforeEach(() => {
    project = freshProject();
    writeFileSync(join(project, 'iris.csv'), 'a,b\n1,2\n');
    const first = printedBlock(FIRST, { input: ['iris.csv'], parameters: { max_depth: '3' } });
    const second = printedBlock(SECOND, {
      version: '2',
      summary: { accuracy: '0.9' },
      metrics: [
        { name: 'loss', value: 0.5, step: 0, at: '20260102T030405.000000' },
        { name: 'loss', value: 0.25, step: 1, at: '20260102T030406.000000' },
      ],
    });
    writeFileSync(
      join(project, 'train.ipynb'),
      notebookJson([
        // The first run printed twice: its cell was run again and both outputs kept.
        { source: 'ds.publish()', outputs: [streamOutput(`loading\n${first}`), streamOutput(first, false)] },
        {
          source: 'ds.publish()',
          outputs: [{ output_type: 'execute_result', execution_count: 2, metadata: {}, data: { 'text/plain': second.split(/(?<=\n)/) } }],
        },
      ]),
    );
  });

  it('records each run once, interactive, with the notebook as its code version and the cell that published it; again, nothing new', () => {
    const first = ingest(project, 'train.ipynb');
    expect(first.code, first.stderr).toBe(0);
    const [report] = JSON.parse(first.stdout) as IngestReport[];
    expect(report!.recorded).toEqual([
      { runId: FIRST, cell: 1 },
      { runId: SECOND, cell: 2 },
    ]);
    expect(report!.repeated).toEqual([{ runId: FIRST, cell: 1 }]);
    expect(report!.errors).toEqual([]);

    const shown = JSON.parse(ds(['show', FIRST, '--json'], { cwd: project }).stdout) as ShownRun;
    expect(shown.mode).toBe('interactive');
    expect(shown.workload).toMatchObject({ notebook: 'train.ipynb', cell: 1 });
    expect(shown.codeVersion.notebook).toMatchObject({ kind: 'file', digest: sha256File(join(project, 'train.ipynb')) });
    expect(shown.parameters).toEqual({ max_depth: '3' });
    expect(shown.inputs.map((i) => i.path)).toEqual(['iris.csv']);
    const series = JSON.parse(ds(['show', SECOND, '--json'], { cwd: project }).stdout) as ShownRun;
    expect(series.metrics.loss).toMatchObject({ count: 2, lastStep: 1 });

    const runsBefore = ds(['runs', '--json'], { cwd: project }).stdout;
    const again = ingest(project, 'train.ipynb');
    expect(again.code, again.stderr).toBe(0);
    const [second] = JSON.parse(again.stdout) as IngestReport[];
    expect(second!.recorded).toEqual([]);
    expect(second!.alreadyRecorded).toEqual([FIRST, SECOND]);
    expect(ds(['runs', '--json'], { cwd: project }).stdout).toBe(runsBefore);
  });

  it('reports a block it cannot read with its cell and reason, records the others, and exits 65', () => {
    writeFileSync(
      join(project, 'broken.ipynb'),
      notebookJson([
        { source: 'x', outputs: [streamOutput(`[[DOTSCIENCE-RUN:${BROKEN}]]{"version": "1", oops}[[/DOTSCIENCE-RUN:${BROKEN}]]\n`)] },
        { source: 'y', outputs: [streamOutput(printedBlock(FIRST, {}))] },
      ]),
    );
    const result = ingest(project, 'broken.ipynb');
    expect(result.code).toBe(65);
    const [report] = JSON.parse(result.stdout) as IngestReport[];
    expect(report!.recorded.map((r) => r.runId)).toEqual([FIRST]);
    expect(report!.errors).toEqual([expect.objectContaining({ cell: 1, reason: 'malformed-json', message: expect.stringContaining('cell 1: ') })]);
  });

  it('ds import of a notebook says to use ds notebook ingest, and records nothing', () => {
    const result = ds(['import', 'train.ipynb'], { cwd: project });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ds notebook ingest train.ipynb');
    expect(JSON.parse(ds(['runs', '--json'], { cwd: project }).stdout)).toEqual([]);
  });

  it('refuses a file that is not an nbformat 4 notebook, naming it, and records nothing', () => {
    writeFileSync(join(project, 'old.ipynb'), JSON.stringify({ nbformat: 3, worksheets: [] }));
    const result = ds(['notebook', 'ingest', 'old.ipynb'], { cwd: project });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/notebook .*old\.ipynb.*nbformat: must be 4/);
    expect(JSON.parse(ds(['runs', '--json'], { cwd: project }).stdout)).toEqual([]);
  });
});

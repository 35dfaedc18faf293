import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ds } from '../fixtures/cli-process.js';
import { freshProject } from '../run/ds-run-process.js';
import { SYSTEM_PYTHON, pythonMissing } from '../python/python-environment.js';
import { printedBlock, streamOutput } from './notebook-files.js';

const RUN = '7a1e2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const missing = pythonMissing([]);

interface ShownEnvironment {
  environment: { runtime: string; interpreter?: { language: string; path: string; version: string }; packages?: Record<string, string> };
}

/** A notebook whose kernel is `kernel` and whose one code cell printed `block`. */
function writeNotebook(project: string, kernel: string, block: string): void {
  writeFileSync(
    join(project, 'kernel.ipynb'),
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: kernel, display_name: kernel, language: 'python' } },
      cells: [{ cell_type: 'code', execution_count: 1, metadata: {}, source: ['ds.publish()'], outputs: [streamOutput(block)] }],
    }),
  );
}

/** A Jupyter data directory holding one kernelspec, `name`, started by `program`. */
function kernelspecDirectory(name: string, program: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'ds-kernels-'));
  mkdirSync(join(dir, 'kernels', name), { recursive: true });
  writeFileSync(
    join(dir, 'kernels', name, 'kernel.json'),
    JSON.stringify({ argv: [program, '-m', 'ipykernel_launcher', '-f', '{connection_file}'], language: 'python' }),
  );
  return dir;
}

function ingestedEnvironment(project: string, env: Record<string, string>): ShownEnvironment['environment'] {
  const ingested = ds(['notebook', 'ingest', 'kernel.ipynb'], { cwd: project, env });
  expect(ingested.code, ingested.stderr).toBe(0);
  return (JSON.parse(ds(['show', RUN, '--json'], { cwd: project }).stdout) as ShownEnvironment).environment;
}

describe.skipIf(missing !== undefined)(
  `a notebook's runs are described by its kernel's Python, not by ds${missing === undefined ? '' : ` (skipped: ${missing})`}`,
  () => {
    it('given a block from the original library (no interpreter) and a kernelspec naming a Python, when ingested, then the run records that Python and its packages', () => {
      const project = freshProject();
      writeNotebook(project, 'ds-test-kernel', printedBlock(RUN, { parameters: { a: '1' } }));
      const environment = ingestedEnvironment(project, { JUPYTER_PATH: kernelspecDirectory('ds-test-kernel', SYSTEM_PYTHON), HOME: project });
      expect(environment.runtime).toMatch(/^python 3\./);
      expect(environment.interpreter).toMatchObject({ language: 'python', path: SYSTEM_PYTHON });
      expect(Object.keys(environment.packages ?? {}).length, 'the kernel Python’s installed distributions').toBeGreaterThan(0);
    });

    it('given a block naming the Python that printed it and no kernelspec installed, when ingested, then the run records that Python', () => {
      const project = freshProject();
      writeNotebook(project, 'no-such-kernel', printedBlock(RUN, { version: '2', interpreter: SYSTEM_PYTHON }));
      const environment = ingestedEnvironment(project, { JUPYTER_PATH: mkdtempSync(join(tmpdir(), 'ds-no-kernels-')), HOME: project });
      expect(environment.runtime).toMatch(/^python 3\./);
      expect(environment.interpreter?.path).toBe(SYSTEM_PYTHON);
    });
  },
);

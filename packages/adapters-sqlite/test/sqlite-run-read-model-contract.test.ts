import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { runReadModelContract } from '@dotscience/core/testing';
import { SqliteRunReadModel } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'ds-run-read-model-contract-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

runReadModelContract('SqliteRunReadModel', async (events) => {
  const model = SqliteRunReadModel.open({ file: join(dir, `model-${files++}.sqlite`), events, batchRuns: 1 });
  return { model, cleanup: () => model.close() };
});

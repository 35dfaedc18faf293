import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildWebApp, chromiumMissing, openBrowserPage, removeAll, REPO, SCREENSHOTS, startUi } from './web-ui-fixture.js';

const CLI = join(REPO, 'packages/cli/dist/main.js');
const RUN = '0b7c4c2e-9d3e-4a51-8f63-2f4f1a6f8d01';
const BLOCK = `[[DOTSCIENCE-RUN:${RUN}]]${JSON.stringify({ version: '1', input: [], output: [], labels: {}, summary: { accuracy: '0.9' }, parameters: { max_depth: '3' } }, null, 4)}[[/DOTSCIENCE-RUN:${RUN}]]\n`;

const NOTEBOOK = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    { cell_type: 'markdown', metadata: {}, source: ['# Iris tree\n', '\n', 'Depth **3**, see `max_depth`.\n', '- one\n', '- two\n'] },
    {
      cell_type: 'code',
      execution_count: 1,
      metadata: {},
      source: ['x = 41 + 1\n', 'print(x)'],
      outputs: [{ output_type: 'stream', name: 'stdout', text: ['42\n'] }],
    },
    {
      cell_type: 'code',
      execution_count: 2,
      metadata: {},
      source: 'ds.publish()',
      outputs: [
        { output_type: 'stream', name: 'stdout', text: BLOCK },
        { output_type: 'execute_result', execution_count: 2, metadata: {}, data: { 'text/plain': "'done'" } },
      ],
    },
  ],
};

function ds(cwd: string, ...args: string[]): string {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ds ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

describe.skipIf(chromiumMissing)('the run page of a run published from a notebook, in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let webApp: string;
  let project: string;
  let ui: Awaited<ReturnType<typeof startUi>>;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    project = mkdtempSync(join(tmpdir(), 'ds-web-notebook-'));
    ds(project, 'init');
    writeFileSync(join(project, 'iris.ipynb'), JSON.stringify(NOTEBOOK));
    ds(project, 'notebook', 'ingest', 'iris.ipynb');
    webApp = await buildWebApp();
    [ui, { browser, page }] = await Promise.all([startUi(project, webApp), openBrowserPage()]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([browser?.close(), ui?.stop()]);
    removeAll(webApp, project);
  });

  it('shows the notebook at its captured version, read-only: markdown, code, text outputs, the publishing cell marked', async () => {
    // The URL ds ui printed carries the token; the app keeps it for the pages opened after.
    await page.goto(ui.url);
    await page.waitForSelector('.run-row a', { timeout: 60_000 });
    await page.goto(`${ui.url.split('#')[0]}#/runs/${RUN}`);
    await page.waitForSelector('.notebook .cell', { timeout: 60_000 });
    expect(await page.$eval('.notebook h3', (h) => h.textContent)).toContain('iris.ipynb');
    expect(await page.$$eval('.notebook .cell', (cells) => cells.map((c) => c.className))).toEqual([
      'cell cell-markdown',
      'cell cell-code',
      'cell cell-code published',
    ]);
    expect(await page.$eval('.notebook .markdown h3', (h) => h.textContent)).toBe('Iris tree');
    expect(await page.$eval('.notebook .markdown strong', (s) => s.textContent)).toBe('3');
    expect(await page.$$eval('.notebook .markdown li', (items) => items.map((i) => i.textContent))).toEqual(['one', 'two']);
    expect(await page.$eval('.notebook [data-cell="1"] pre.source', (p) => p.textContent)).toContain('x = 41 + 1');
    expect(await page.$eval('.notebook [data-cell="1"] pre.output', (p) => p.textContent)).toBe('42\n');
    const published = await page.$$eval('.notebook [data-cell="2"] pre.output', (outputs) => outputs.map((o) => o.textContent));
    expect(published).toEqual([`[dotscience run block ${RUN}]\n`, "'done'"]);
    expect(await page.$$eval('.notebook textarea, .notebook [contenteditable]', (editable) => editable.length)).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'notebook-run-page.png'), fullPage: true });
  }, 120_000);
});

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildWebApp, chromiumMissing, openBrowserPage, removeAll, REPO, SCREENSHOTS, serveHub, type StartedServer } from './web-ui-fixture.js';

const CLI = join(REPO, 'packages/cli/dist/main.js');
const RUN = '5d0f9a52-7c1e-4d3b-9a6f-1b2c3d4e5f60';
const BLOCK = `[[DOTSCIENCE-RUN:${RUN}]]${JSON.stringify({ version: '1', input: [], output: [], labels: {}, summary: { accuracy: '0.9' }, parameters: {} })}[[/DOTSCIENCE-RUN:${RUN}]]\n`;
const NOTEBOOK = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [{ cell_type: 'code', execution_count: 1, metadata: {}, source: 'ds.publish()', outputs: [{ output_type: 'stream', name: 'stdout', text: BLOCK }] }],
};

function ds(cwd: string, args: string[], env: Record<string, string> = {}): string {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`ds ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

describe.skipIf(chromiumMissing)('the run page names who recorded a run and which token pushed it (docs/decisions.md D123), in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let webApp: string;
  let root: string;
  let hub: StartedServer;
  let readToken: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ds-web-identity-'));
    const hubDir = join(root, 'hub');
    const writeToken = ds(root, ['token', 'create', '--store', hubDir, '--project', 'team', '--role', 'write', '--label', 'ada-laptop']).trim();
    readToken = ds(root, ['token', 'create', '--store', hubDir, '--project', 'team', '--role', 'read']).trim();
    const station = join(root, 'station');
    mkdirSync(station);
    ds(station, ['init']);
    writeFileSync(join(station, 'iris.ipynb'), JSON.stringify(NOTEBOOK));
    ds(station, ['notebook', 'ingest', 'iris.ipynb']);
    webApp = await buildWebApp();
    [hub, { browser, page }] = await Promise.all([serveHub(hubDir, webApp), openBrowserPage()]);
    ds(station, ['push'], { DOTSCIENCE_HUB: hub.url, DOTSCIENCE_TOKEN: writeToken });
  }, 180_000);

  afterAll(async () => {
    // The hub writes anchor lines just after answering an append (D136): wait for it to exit before removing its directory.
    await Promise.all([browser?.close(), hub?.stop()]);
    removeAll(webApp, root);
  });

  it('shows recorded by user@host and pushed by the token’s label', async () => {
    await page.goto(`${hub.url}/ui/#token=${encodeURIComponent(readToken)}`);
    await page.waitForSelector('.run-row a', { timeout: 60_000 });
    await page.goto(`${hub.url}/ui/#/runs/${RUN}`);
    await page.waitForSelector('.run-identity', { timeout: 60_000 });
    expect(await page.$eval('.run-identity .recorded-by', (c) => c.textContent)).toMatch(/^\S+@\S+$/);
    expect(await page.$eval('.run-identity .pushed-by', (c) => c.textContent)).toMatch(/^token ada-laptop \(\S+\) at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'run-identity.png'), fullPage: true });
  }, 120_000);
});

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildWebApp, chromiumMissing, openBrowserPage, removeAll, REPO, SCREENSHOTS, startUi } from './web-ui-fixture.js';

const CLI = join(REPO, 'packages/cli/dist/main.js');
const SDK = join(REPO, 'packages/sdk/dist/index.js');
const TRAIN = `
import * as ds from ${JSON.stringify(SDK)};
import { writeFileSync } from 'node:fs';
ds.start();
writeFileSync('model.bin', 'weights ' + process.argv[2]);
ds.model('clf', 'model.bin', { framework: 'none' });
console.log((await ds.publish('train ' + process.argv[2])).runId);
`;

function ds(cwd: string, ...args: string[]): string {
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`ds ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

describe.skipIf(chromiumMissing)("the run page shows the registry's aliases and tags of the versions the run produced, and the run's tags and notes", () => {
  let browser: Browser;
  let page: Page;
  let webApp: string;
  let project: string;
  let ui: Awaited<ReturnType<typeof startUi>>;
  const runs: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    project = mkdtempSync(join(tmpdir(), 'ds-web-registry-'));
    ds(project, 'init');
    writeFileSync(join(project, 'train.mjs'), TRAIN);
    for (const seed of ['1', '2']) {
      const trained = spawnSync(process.execPath, ['train.mjs', seed], { cwd: project, encoding: 'utf8' });
      if (trained.status !== 0) throw new Error(`train.mjs failed: ${trained.stderr}`);
      runs.push(trained.stdout.trim());
    }
    ds(project, 'models', 'alias', 'clf', 'champion', '1');
    ds(project, 'models', 'alias', 'clf', 'staging', '2');
    ds(project, 'models', 'tag', 'clf@champion', 'reviewed=yes');
    ds(project, 'tag', runs[0]!, 'team=vision');
    ds(project, 'note', runs[0]!, 'the baseline we ship');
    webApp = await buildWebApp();
    [ui, { browser, page }] = await Promise.all([startUi(project, webApp), openBrowserPage()]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
    removeAll(webApp, project);
  });

  it('lists the version the run produced with its aliases and version tags, beside the run tags and notes', async () => {
    // The URL ds ui printed carries the token; the page keeps it for the routes after.
    await page.goto(ui.url);
    await page.waitForSelector('.run-row a');
    await page.goto(`${ui.url.split('#')[0]}#/runs/${encodeURIComponent(runs[0]!)}`);
    await page.waitForSelector('.run-model[data-model="clf"] .badge.alias');
    const row = page.locator('.run-model[data-model="clf"]');
    expect(await row.locator('a').textContent()).toBe('clf@1');
    expect(await row.locator('.badge.alias').allTextContents()).toEqual(['@champion']);
    expect(await row.locator('.badge.tag').allTextContents()).toEqual(['reviewed=yes']);
    const tags = page.locator('.card', { has: page.locator('h3', { hasText: /^Tags$/ }) });
    expect(await tags.locator('td').allTextContents()).toEqual(['team', 'vision']);
    const notes = page.locator('.card', { has: page.locator('h3', { hasText: /^Notes$/ }) });
    expect(await notes.textContent()).toContain('the baseline we ship');
    await page.screenshot({ path: join(SCREENSHOTS, 'run-registry.png'), fullPage: true });

    // The other run's version carries the other alias, and none of the first one's.
    await page.goto(`${ui.url.split('#')[0]}#/runs/${encodeURIComponent(runs[1]!)}`);
    await page.waitForSelector('.run-model[data-model="clf"] .badge.alias');
    expect(await page.locator('.run-model[data-model="clf"] a').textContent()).toBe('clf@2');
    expect(await page.locator('.run-model[data-model="clf"] .badge.alias').allTextContents()).toEqual(['@staging']);
  }, 120_000);
});

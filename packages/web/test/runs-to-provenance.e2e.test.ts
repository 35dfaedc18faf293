import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DotscienceClient } from '@dotscience/sdk';
import { buildWebApp, chromiumMissing, chromiumPath, chromiumRequired, demoProject, removeAll, SCREENSHOTS, startUi } from './web-ui-fixture.js';

if (chromiumMissing && !chromiumRequired)
  console.log(
    `web UI e2e skipped: no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH); DOTSCIENCE_WEB_E2E=required makes this a failure`,
  );

/** Pixels of a chart's canvas in its first series' colour (#1c5fd1): the line uPlot drew, not the axes or grid. */
async function seriesPixels(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (canvas) => {
    const c = canvas as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let drawn = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! > 128 && Math.abs(data[i]! - 0x1c) + Math.abs(data[i + 1]! - 0x5f) + Math.abs(data[i + 2]! - 0xd1) < 60) drawn++;
    }
    return drawn;
  });
}

describe.runIf(chromiumMissing && chromiumRequired)('web UI e2e in CI (DOTSCIENCE_WEB_E2E=required)', () => {
  it('has headless Chromium to run in', () => {
    expect.fail(`no Chromium at ${chromiumPath} — apt-get install chromium (or set CHROMIUM_PATH)`);
  });
});

describe.skipIf(chromiumMissing)('web UI in headless Chromium over ds ui with the demo project', () => {
  let browser: Browser;
  let page: Page;
  let webApp: string;
  let project: string;
  let ui: Awaited<ReturnType<typeof startUi>>;
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  /** Open the runs page, apply a filter and wait until it shows `rows` runs. */
  /** `workloads`: also the ds run workloads wrapping their program's runs (hidden by default, as in `ds runs`). */
  const filterRuns = async (filter: string, rows: number, workloads = false) => {
    await page.goto(`${ui.url.split('#')[0]}#/runs`);
    await page.setChecked('input[name=workloads]', workloads);
    await page.fill('input.filter', filter);
    await page.press('input.filter', 'Enter');
    await page.waitForFunction((n) => document.querySelectorAll('.run-row a').length === n, rows);
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    [webApp, project] = await Promise.all([buildWebApp(), Promise.resolve().then(demoProject)]);
    ui = await startUi(project, webApp);
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
    removeAll(webApp, project && dirname(project));
  });

  it('filters the runs table with the query language, showing a parse error at its column', async () => {
    await page.goto(ui.url);
    await page.waitForSelector('.run-row a');
    // The demo's four scripts' runs and the rerun of its depth-3 training (ds rerun --check ends the demo); the ds run
    // workloads wrapping them are hidden, as in `ds runs`, until asked for.
    expect(await page.locator('.run-row a').count()).toBe(5);
    await filterRuns('', 10, true);
    await filterRuns('', 5);
    await page.fill('input.filter', 'metrics.accuracy > and');
    await page.press('input.filter', 'Enter');
    await page.waitForSelector('.parse-error');
    expect(await page.getAttribute('.parse-error', 'data-column')).toBe('20');
    await shot('runs-parse-error');
    await page.fill('input.filter', 'metrics.accuracy > 0.8 and params.depth = 3');
    await page.press('input.filter', 'Enter');
    await page.waitForFunction(() => document.querySelectorAll('.run-row a').length === 2);
    expect(await page.textContent('.count')).toBe('2 runs');
    await shot('runs-filtered');
  });

  it('opens the run and draws its metric charts and verified history', async () => {
    // The older of the two depth-3 runs: the original, whose model version the rerun's identical model did not replace.
    await page.locator('.run-row a').last().click();
    await page.waitForSelector('.chart canvas');
    await page.waitForSelector('.badge.ok');
    expect(await page.locator('.chart').count()).toBe(2);
    // cv_accuracy has 5 points (one per fold): a line across the plot.
    expect(await seriesPixels(page, '.chart[data-metric="cv_accuracy"] canvas')).toBeGreaterThan(200);
    expect(await page.textContent('.badge')).toBe('hash chain verified');
    await shot('run-detail');
  });

  it("opens the model's provenance graph and clicks through to the producing run", async () => {
    const producingRun = decodeURIComponent(new URL(page.url()).hash.replace('#/runs/', ''));
    await page.goto(`${ui.url.split('#')[0]}#/lineage/${encodeURIComponent('iris-tree')}`);
    await page.waitForFunction(() => {
      const cy = (window as unknown as { dotscienceGraph?: { nodes(): { length: number } } }).dotscienceGraph;
      return cy !== undefined && cy.nodes().length > 0;
    });
    await shot('model-provenance');
    // The run that generated the model version shown: click where cytoscape drew it.
    const target = await page.evaluate(() => {
      const cy = (window as unknown as { dotscienceGraph: import('cytoscape').Core }).dotscienceGraph;
      const model = cy.nodes('[kind = "model"][focus = 1]')[0]!;
      const run = model.incomers('node[kind = "run"]')[0]!;
      const box = cy.container()!.getBoundingClientRect();
      const at = run.renderedPosition();
      return { id: run.id(), x: box.left + at.x, y: box.top + at.y };
    });
    expect(target.id).toBe(`run:${producingRun}`);
    await page.mouse.click(target.x, target.y);
    await page.waitForFunction((runId) => location.hash === `#/runs/${encodeURIComponent(runId)}`, producingRun);
    await page.waitForSelector('.chart canvas');
    await shot('producing-run');
  });

  it('compares two ticked runs: overlaid series, the parameters that differ and a metrics table', async () => {
    // Depth 3 twice (the demo reran it) and depth 2: tick the newest of depth 3 and the one of depth 2.
    await filterRuns('params.depth IN (2, 3)', 3);
    const boxes = await page.locator('.run-row input[type=checkbox]').all();
    for (const box of [boxes[0]!, boxes[boxes.length - 1]!]) await box.check();
    await page.click('text=compare 2 selected');
    await page.waitForSelector('.chart[data-metric="cv_accuracy"] canvas');
    expect(await page.locator('.chart[data-metric="cv_accuracy"] .u-legend .u-series').count()).toBe(3);
    expect((await page.locator('.diff:not(.metrics-table) td.differs').allTextContents()).sort()).toEqual(['2', '3']);
    // The metrics table: each metric's last/min/max per run, side by side.
    expect(await page.locator('.metrics-table td:first-child').allTextContents()).toEqual(
      expect.arrayContaining(['accuracy', 'cv_accuracy', 'cv_accuracy.min', 'cv_accuracy.max']),
    );
    await shot('compare');
  });

  it("shows a ds run workload's captured stdout", async () => {
    await filterRuns("outputs.path = 'ds-run:log' and attributes.description LIKE '%python3%'", 1, true);
    await page.click('.run-row a');
    await page.waitForSelector('.workload-log pre.log-stdout');
    expect(await page.textContent('.workload-log pre.log-stdout')).toContain('mean petal length');
    await shot('workload-log');
  });

  it("updates a running run's chart live as the script records more points (SSE subscription)", async () => {
    const script = new DotscienceClient({ cwd: project, exitHandling: false, log: () => undefined });
    try {
      script.interactive();
      script.start('a run still training');
      for (let step = 0; step < 20; step++) script.addMetric('loss', 1 / (step + 1), step);
      await script.flush();
      await page.goto(`${ui.url.split('#')[0]}#/runs`);
      await page.fill('input.filter', "attributes.status = 'running'");
      await page.press('input.filter', 'Enter');
      await page.waitForFunction(() => document.querySelectorAll('.run-row a').length === 1);
      await page.click('.run-row a');
      await page.waitForFunction(() => document.querySelector('.chart[data-metric="loss"] + small')?.textContent?.startsWith('20 points'));
      for (let step = 20; step < 60; step++) script.addMetric('loss', 1 / (step + 1), step);
      await script.flush();
      // No reload: the page hears the new events on the hub's subscription and redraws.
      await page.waitForFunction(() => document.querySelector('.chart[data-metric="loss"] + small')?.textContent?.startsWith('60 points'), undefined, {
        timeout: 15_000,
      });
      expect(await seriesPixels(page, '.chart[data-metric="loss"] canvas')).toBeGreaterThan(200);
      await shot('live-run');
    } finally {
      await script.publish();
      await script.close();
    }
  });
});

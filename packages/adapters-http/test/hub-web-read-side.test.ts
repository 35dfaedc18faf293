import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downsampleMinMax } from '../src/server/series-downsampling.js';
import { hubPaths, HubServer, ProjectDirectories, TokenRegistry } from '../src/index.js';
import { FsDataStore, FsEventStore } from '@dotscience/adapters-fs';

const AT = '2026-01-01T00:00:00.000Z';
const event = (type: string, data: unknown) => ({ id: randomUUID(), type, schemaVersion: 1, data, meta: {} });

/** A published run with parameter `depth`, metric `loss` (`points` points, one spike) and a recorded `rmse`. */
function runEvents(runId: string, depth: number, points: number) {
  const values = Array.from({ length: points }, (_, i) => (i === Math.floor(points / 3) ? 1000 : Math.sin(i / 50)));
  return [
    event('RunStarted', {
      runId,
      projectId: 'p',
      mode: 'script',
      workload: { script: 'train.py' },
      codeVersion: {},
      environment: { runtime: 'node', os: 'linux', host: 'h', user: 'u' },
      startedAt: `2026-01-01T00:00:0${depth}.000Z`,
    }),
    event('ParameterRecorded', { name: 'depth', value: depth }),
    event('MetricsRecorded', { series: [{ name: 'loss', values, at: { start: AT, deltasMs: values.map(() => 0) } }] }),
    event('MetricRecorded', { name: 'rmse', value: 1 / depth, at: AT }),
  ];
}

describe('downsampleMinMax (M4 buckets)', () => {
  it('keeps every point of a series no longer than asked', () => {
    expect(downsampleMinMax({ x: [0, 1, 2], y: [5, 1, 3], length: 3 }, 10)).toEqual({ x: [0, 1, 2], y: [5, 1, 3] });
  });

  it("keeps each bucket's first, lowest, highest and last point, in order, so spikes survive", () => {
    const y = Array.from({ length: 10_000 }, (_, i) => (i === 4321 ? -50 : i === 7777 ? 99 : i % 7));
    const x = y.map((_, i) => i * 2);
    const out = downsampleMinMax({ x, y, length: y.length }, 400);
    expect(out.x.length).toBeLessThanOrEqual(400);
    expect(Math.min(...out.y)).toBe(-50);
    expect(Math.max(...out.y)).toBe(99);
    expect(out.x[0]).toBe(0);
    expect(out.x.at(-1)).toBe(19_998);
    expect(out.x).toEqual([...out.x].sort((a, b) => a - b));
    expect(out.x).toContain(4321 * 2);
  });
});

describe('hub read side for the web UI (real hub on 127.0.0.1)', () => {
  let root: string;
  let hub: HubServer;
  let url: string;
  let token: string;
  const runIds = ['run-a', 'run-b', 'run-c'].map(() => randomUUID());
  const get = async (path: string) => {
    const response = await fetch(url + path, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ds-hub-web-'));
    const webApp = join(root, 'web');
    await mkdir(join(webApp, 'assets'), { recursive: true });
    await writeFile(join(webApp, 'index.html'), '<!doctype html><title>dotscience</title>');
    await writeFile(join(webApp, 'assets', 'app-1234.js'), 'console.log(1)');
    await writeFile(join(webApp, '100%.txt'), 'a file named with a percent sign');
    await writeFile(join(root, 'secret.txt'), 'outside the app');
    const tokens = TokenRegistry.inDirectory(root);
    hub = new HubServer({
      tokens,
      webApp,
      projects: new ProjectDirectories({
        eventsRoot: join(root, 'events'),
        dataRoot: join(root, 'data'),
        openEvents: (dir) => FsEventStore.open(dir),
        openData: (dir) => new FsDataStore({ directory: dir, workers: 1 }),
      }),
    });
    url = await hub.listen(0);
    token = (await tokens.create('p', 'write')).token;
    for (const [i, runId] of runIds.entries()) {
      const response = await fetch(url + hubPaths.stream('p', `run-${runId}`), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events: runEvents(runId, i + 1, i === 0 ? 50_000 : 10), expectedRevision: 'no_stream' }),
      });
      expect(response.status).toBe(200);
    }
  });

  afterAll(async () => {
    await hub.close();
    await rm(root, { recursive: true, force: true });
  });

  it('pages runs and sorts them by a sort parameter in the query language, with the total the filter selects', async () => {
    const first = await get(`${hubPaths.runs('p')}?sort=${encodeURIComponent('params.depth desc')}&limit=2`);
    expect(first.body['total']).toBe(3);
    expect(first.body['runs'].map((r: { parameters: { depth: number } }) => r.parameters.depth)).toEqual([3, 2]);
    const second = await get(`${hubPaths.runs('p')}?sort=${encodeURIComponent('params.depth desc')}&limit=2&offset=2`);
    expect(second.body['runs'].map((r: { runId: string }) => r.runId)).toEqual([runIds[0]]);
    const filtered = await get(`${hubPaths.runs('p')}?filter=${encodeURIComponent('metrics.rmse < 0.9')}&sort=${encodeURIComponent('metrics.rmse')}`);
    expect(filtered.body['total']).toBe(2);
    expect(filtered.body['runs'][0].runId).toBe(runIds[2]);
  });

  it('answers a malformed filter with QUERY_PARSE and the position of the offending token', async () => {
    const { status, body } = await get(`${hubPaths.runs('p')}?filter=${encodeURIComponent('params.depth = and')}`);
    expect(status).toBe(400);
    expect(body['code']).toBe('QUERY_PARSE');
    expect(body['at']).toEqual({ line: 1, column: 16, offset: 15, length: 3 });
  });

  it('answers a filter of 2,000 nested parentheses with QUERY_PARSE at the first level too deep, and a bad sort naming the sort', async () => {
    const deep = await get(`${hubPaths.runs('p')}?filter=${encodeURIComponent(`${'('.repeat(2000)}params.depth = 1${')'.repeat(2000)}`)}`);
    expect(deep.status).toBe(400);
    expect(deep.body['code']).toBe('QUERY_PARSE');
    expect(deep.body['at']).toEqual({ line: 1, column: 101, offset: 100, length: 1 });
    expect(deep.body['message']).toMatch(/more than 100 levels deep/);
    const sort = await get(`${hubPaths.runs('p')}?sort=${encodeURIComponent('params.depth sideways')}`);
    expect(sort.status).toBe(400);
    expect(sort.body['message']).toMatch(/^in the sort, column 14: /);
  });

  it('serves a metric series whole, or downsampled with min/max buckets when points is given', async () => {
    const whole = await get(hubPaths.metricSeries('p', runIds[1]!, 'loss'));
    expect(whole.body).toMatchObject({ total: 10, downsampled: false, x: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
    const small = await get(`${hubPaths.metricSeries('p', runIds[0]!, 'loss')}?points=1000`);
    expect(small.body['total']).toBe(50_000);
    expect(small.body['downsampled']).toBe(true);
    expect(small.body['x'].length).toBeLessThanOrEqual(1000);
    expect(Math.max(...small.body['y'])).toBe(1000);
    const missing = await get(hubPaths.metricSeries('p', runIds[0]!, 'accuracy'));
    expect(missing.status).toBe(404);
    expect(missing.body['message']).toContain('loss, rmse');
  });

  it("reads a running run's new points on the next request (the series cache catches up)", async () => {
    const runId = runIds[2]!;
    expect((await get(hubPaths.metricSeries('p', runId, 'rmse'))).body['y']).toEqual([1 / 3]);
    await fetch(url + hubPaths.stream('p', `run-${runId}`), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [event('MetricRecorded', { name: 'rmse', value: 0.25, step: 7, at: AT })] }),
    });
    expect((await get(hubPaths.metricSeries('p', runId, 'rmse'))).body).toMatchObject({ total: 2, x: [0, 7], y: [1 / 3, 0.25] });
  });

  it("gives a run's event history with hashes and a verified hash chain", async () => {
    const { body } = await get(hubPaths.runHistory('p', runIds[1]!.slice(0, 30)));
    expect(body['verified']).toBe(true);
    expect(body['events'].map((e: { type: string }) => e.type)).toEqual(['RunStarted', 'ParameterRecorded', 'MetricsRecorded', 'MetricRecorded']);
    expect(body['events'][1].prevHash).toBe(body['events'][0].hash);
  });

  it('serves the web app under /ui/ (index.html for app paths, nothing outside its directory) and redirects / there', async () => {
    const index = await fetch(`${url}/ui/`);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(await index.text()).toContain('<title>dotscience</title>');
    const asset = await fetch(`${url}/ui/assets/app-1234.js`);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await (await fetch(`${url}/ui/runs/whatever`)).text()).toContain('<title>dotscience</title>');
    expect(await (await fetch(`${url}/ui/..%2fsecret.txt`)).text()).not.toContain('outside the app');
    const root = await fetch(`${url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/ui/');
  });

  it('given a /ui/ path with an escaped percent sign and no token, then the hub decodes it once: the file of that name, or the app — never a 500', async () => {
    const lone = await fetch(`${url}/ui/%25`);
    expect(lone.status).toBe(200);
    expect(await lone.text()).toContain('<title>dotscience</title>');
    const named = await fetch(`${url}/ui/100%25.txt`);
    expect(named.status).toBe(200);
    expect(await named.text()).toBe('a file named with a percent sign');
    // `100%2525.txt` names "100%25.txt" (no such file), not "100%.txt": decoding twice would serve another file.
    const twice = await fetch(`${url}/ui/100%2525.txt`);
    expect(twice.status).toBe(200);
    expect(await twice.text()).toContain('<title>dotscience</title>');
  });
});

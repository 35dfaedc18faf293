import { spawn } from 'node:child_process';
import { existsSync, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hubTokens, serveHub, type RunningHubServer } from '@dotscience/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ds, dsAsync } from './fixtures/cli-process.js';

const SDK_ENTRY = fileURLToPath(new URL('../../sdk/dist/index.js', import.meta.url));

const SCRIPT = `
import * as ds from ${JSON.stringify(SDK_ENTRY)};
import { mkdirSync, writeFileSync } from 'node:fs';
mkdirSync('data', { recursive: true });
writeFileSync('data/train.csv', 'x,y\\n1,2\\n');
ds.start();
ds.input('data/train.csv');
ds.parameter('depth', 3);
ds.metric('rmse', 0.42);
writeFileSync('model.bin', 'weights');
ds.output('model.bin');
const run = await ds.publish('trained on the hub');
console.log(run.runId);
`;

async function hubGet(hub: RunningHubServer, token: string, path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(hub.url + path, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

describe('an SDK script with DOTSCIENCE_HUB set', () => {
  let root: string;
  let hub: RunningHubServer;

  beforeEach(async () => {
    root = await fsp.mkdtemp(join(tmpdir(), 'ds-hub-sdk-'));
    hub = await serveHub({ store: join(root, 'hub'), port: 0 });
  });
  afterEach(async () => {
    await hub.close();
    await fsp.rm(root, { recursive: true, force: true });
  });

  it('records its run on the hub (nothing locally), and the hub answers runs, run detail, lineage, datasets and models', async () => {
    if (!existsSync(SDK_ENTRY)) throw new Error(`${SDK_ENTRY} is missing — build first: pnpm exec tsc -b`);
    const { token } = await (await hubTokens(join(root, 'hub'))).create('team', 'write');
    const work = join(root, 'work');
    await fsp.mkdir(work);
    await fsp.writeFile(join(work, 'train.mjs'), SCRIPT);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('DOTSCIENCE_')) env[k] = v;
    // Asynchronously: the hub answering the script runs in this process.
    const child = await new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      const proc = spawn(process.execPath, ['train.mjs'], {
        cwd: work,
        env: { ...env, DOTSCIENCE_HUB: hub.url, DOTSCIENCE_TOKEN: token },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      proc.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      proc.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      proc.on('close', (status) => done({ status, stdout, stderr }));
    });
    expect(child.status, child.stderr).toBe(0);
    const runId = child.stdout.trim();
    expect(existsSync(join(work, '.dotscience', 'events'))).toBe(false);

    const runs = await hubGet(hub, token, `/v1/projects/team/runs?filter=${encodeURIComponent('params.depth = 3 and metrics.rmse < 0.5')}`);
    expect(runs.status).toBe(200);
    expect(runs.body.runs.map((r: { runId: string }) => r.runId)).toEqual([runId]);
    expect(runs.body.runs[0]).toMatchObject({ status: 'published', description: 'trained on the hub' });
    expect((await hubGet(hub, token, `/v1/projects/team/runs?filter=${encodeURIComponent('params.depth = 4')}`)).body.runs).toEqual([]);

    const detail = await hubGet(hub, token, `/v1/projects/team/runs/${runId.slice(0, 8)}`);
    expect(detail.body).toMatchObject({ runId, parameters: { depth: 3 } });
    // No project configured: the run belongs to the project the token is scoped to.
    const [started] = await (
      await fetch(`${hub.url}/v1/projects/team/streams/run-${runId}`, { headers: { authorization: `Bearer ${token}` } })
    )
      .json()
      .then((page: { events: Array<{ type: string; data: { projectId: string } }> }) => page.events);
    expect(started).toMatchObject({ type: 'RunStarted', data: { projectId: 'team' } });

    const lineage = await hubGet(hub, token, `/v1/projects/team/lineage/${encodeURIComponent('model.bin')}`);
    expect(lineage.status).toBe(200);
    expect(Object.keys(lineage.body.graph.activities)).toContain(`run:${runId}`);
    expect(Object.keys(lineage.body.graph.entities).some((id) => id.startsWith('dataset:data/train.csv'))).toBe(true);

    const datasets = await hubGet(hub, token, '/v1/projects/team/datasets');
    expect(Object.keys(datasets.body.datasets)).toEqual(expect.arrayContaining(['data/train.csv', 'model.bin']));
    expect((await hubGet(hub, token, '/v1/projects/team/models')).status).toBe(200);

    const badFilter = await hubGet(hub, token, `/v1/projects/team/runs?filter=${encodeURIComponent('params.depth = ')}`);
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.code).toBe('QUERY_PARSE');

    // And a teammate pulls it into a fresh local store.
    const mate = join(root, 'mate');
    await fsp.mkdir(mate);
    expect(ds(['init'], { cwd: mate }).code).toBe(0);
    const pulled = await dsAsync(['pull', '--hub', hub.url, '--token', token], mate);
    expect(pulled.code, pulled.stderr).toBe(0);
    const shown = ds(['runs', '--json'], { cwd: mate });
    expect(shown.stdout).toContain(runId);
  });

  it('serves its OpenAPI description, generated from the zod schemas', async () => {
    const response = await fetch(`${hub.url}/v1/openapi.json`);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> };
    expect(doc.openapi).toBe('3.1.0');
    const append = doc.paths['/v1/projects/{project}/streams/{stream}']!.post!;
    expect(JSON.stringify(append.requestBody)).toContain('expectedRevision');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/projects/{project}/runs', '/v1/projects/{project}/events/subscribe', '/v1/projects/{project}/objects/sha256/{hex}']),
    );
  });
});

import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hubTokens, serveHub, type RunningHubServer } from '@dotscience/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SDK_ENTRY = fileURLToPath(new URL('../../sdk/dist/index.js', import.meta.url));
const SCRIPT = `
import * as ds from ${JSON.stringify(SDK_ENTRY)};
import { writeFileSync } from 'node:fs';
ds.start();
writeFileSync('model.bin', 'weights ' + process.argv[2]);
ds.model('clf', 'model.bin', { framework: 'none' });
console.log((await ds.publish('train')).runId);
`;

describe('the registry and run annotations through a hub', () => {
  let root: string;
  let hub: RunningHubServer;
  let token: string;
  const runIds: string[] = [];
  const env: Record<string, string> = {};
  beforeAll(async () => {
    root = await fsp.mkdtemp(join(tmpdir(), 'ds-hub-registry-'));
    hub = await serveHub({ store: join(root, 'hub'), port: 0 });
    token = (await (await hubTokens(join(root, 'hub'))).create('team', 'write')).token;
    await fsp.writeFile(join(root, 'train.mjs'), SCRIPT);
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('DOTSCIENCE_')) env[k] = v;
    for (const seed of ['1', '2']) {
      const out = await new Promise<string>((done, fail) => {
        const proc = spawn(process.execPath, ['train.mjs', seed], {
          cwd: root,
          env: { ...env, DOTSCIENCE_HUB: hub.url, DOTSCIENCE_TOKEN: token },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        proc.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
        proc.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
        proc.on('close', (status) => (status === 0 ? done(stdout.trim()) : fail(new Error(stderr))));
      });
      runIds.push(out);
    }
  }, 120_000);
  afterAll(async () => {
    await hub.close();
    await fsp.rm(root, { recursive: true, force: true });
  });

  const get = async (path: string): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${hub.url}/v1/projects/team${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: await response.json() };
  };

  it('an alias set with ds against the hub is admitted by its gate, served by GET models and understood by GET lineage', async () => {
    const set = await dsAsyncWithToken(['--store', hub.url, 'models', 'alias', 'clf', 'champion', '1'], root, token);
    expect(set.code, set.stderr).toBe(0);
    const models = await get('/models');
    expect(models.body.clf.aliases).toEqual({ champion: 1 });
    const lineage = await get(`/lineage/${encodeURIComponent('clf@champion')}`);
    expect(lineage.status).toBe(200);
    expect(lineage.body.node).toBe('model:clf@1');
    expect(Object.keys(lineage.body.graph.activities)).toContain(`run:${runIds[0]}`);
    expect((await get(`/lineage/${encodeURIComponent('clf@staging')}`)).body.code).toBe('MODEL_ALIAS_UNKNOWN');
  });

  it('an alias the model lacks is not found on the hub (404), the body naming the alias and how to set it; ds says the same', async () => {
    const unknown = await get(`/lineage/${encodeURIComponent('clf@staging')}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      code: 'MODEL_ALIAS_UNKNOWN',
      message: expect.stringMatching(/model clf has no alias "staging" \(aliases: champion\).*`ds models alias clf staging <version>`/),
    });
    // A malformed reference is still refused as such, not as a missing model.
    expect((await get(`/lineage/${encodeURIComponent('@staging')}`)).status).not.toBe(404);
    const cli = await dsAsyncWithToken(['--store', hub.url, 'models', 'get', 'clf@staging', join(root, 'got')], root, token);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(
      /model clf has no alias "staging" \(aliases: champion\).*clf@2.*`ds models alias clf staging <version>`.*\[MODEL_ALIAS_UNKNOWN\]/,
    );
  });

  it('an archived run is hidden from GET runs unless archived=true; a deleted one always', async () => {
    expect((await dsAsyncWithToken(['--store', hub.url, 'archive', runIds[0]!], root, token)).code).toBe(0);
    expect((await dsAsyncWithToken(['--store', hub.url, 'delete', runIds[1]!, '--reason', 'wrong data'], root, token)).code).toBe(0);
    expect((await get('/runs')).body.runs.map((r: { runId: string }) => r.runId)).toEqual([]);
    expect((await get('/runs?archived=true')).body.runs.map((r: { runId: string }) => r.runId)).toEqual([runIds[0]]);
    expect((await get(`/runs/${runIds[1]}`)).body.deleted).toMatchObject({ reason: 'wrong data' });
  });
});

/** `ds` against the hub with its token in the environment (the CLI's fixture clears DOTSCIENCE_*). */
function dsAsyncWithToken(args: string[], cwd: string, token: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('DOTSCIENCE_')) env[k] = v;
    const proc = spawn(process.execPath, [fileURLToPath(new URL('../dist/main.js', import.meta.url)), ...args], {
      cwd,
      env: { ...env, DOTSCIENCE_TOKEN: token },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    proc.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    proc.on('close', (code) => done({ code, stdout, stderr }));
  });
}

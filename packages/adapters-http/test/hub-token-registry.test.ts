import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubPaths, TokenRegistry } from '../src/index.js';
import { startHub, type RunningHub } from './hub-fixture.js';

describe('hub token registry under concurrent changes', () => {
  let hub: RunningHub;
  let admin: string;

  beforeAll(async () => {
    hub = await startHub();
    admin = await hub.token('p', 'admin');
  });
  afterAll(() => hub.cleanup());

  const call = async (method: string, path: string, token: string, json?: unknown): Promise<{ status: number; body: any }> => {
    const response = await fetch(hub.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
    return { status: response.status, body: await response.json() };
  };
  const create = () => call('POST', hubPaths.tokens('p'), admin, { role: 'read' });
  const whoami = (token: string) => call('GET', hubPaths.whoami(), token);

  it('given 20 creates at once, when each answered 201, then every one of them is kept and works', async () => {
    const created = await Promise.all(Array.from({ length: 20 }, create));
    expect(created.map((c) => c.status)).toEqual(Array(20).fill(201));
    const listed = new Set(((await call('GET', hubPaths.tokens('p'), admin)).body.tokens as Array<{ id: string }>).map((t) => t.id));
    for (const c of created) {
      expect(listed.has(c.body.info.id)).toBe(true);
      expect((await whoami(c.body.token)).status).toBe(200);
    }
  });

  it('given creates running at the same time, when a revoke answered 200, then the revoked token is refused from the next request on (5 trials)', async () => {
    for (let trial = 0; trial < 5; trial++) {
      const victim = (await create()).body as { token: string; info: { id: string } };
      expect((await whoami(victim.token)).status).toBe(200);
      const [revoked] = await Promise.all([call('DELETE', hubPaths.token('p', victim.info.id), admin), ...Array.from({ length: 10 }, create)]);
      expect(revoked!.status).toBe(200);
      expect((await whoami(victim.token)).status, `trial ${trial}`).toBe(401);
    }
  });

  it('given a lock left behind by a process that died, when a token is created, then the stale lock is broken and the token kept', async () => {
    const dead = spawn(process.execPath, ['-e', '0']);
    const pid = dead.pid!;
    await new Promise((r) => dead.once('exit', r));
    await fsp.writeFile(`${hub.tokens.file}.lock`, JSON.stringify({ pid, host: (await import('node:os')).hostname(), at: Date.now(), nonce: 'dead' }));
    const created = await create();
    expect(created.status).toBe(201);
    expect(new TokenRegistry(hub.tokens.file).list('p').map((t) => t.id)).toContain(created.body.info.id);
  });

  it('keeps the token file readable by its owner only (0600)', async () => {
    expect((await fsp.stat(hub.tokens.file)).mode & 0o777).toBe(0o600);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpEventStore } from '../src/index.js';
import { startHub, type RunningHub } from './hub-fixture.js';
import { everyProjectEndpoint, send, treeFingerprint, validEvent } from './hub-requests.js';

describe('hub access: projects, roles, revocation', () => {
  let hub: RunningHub;
  let alphaAdmin: string;
  let betaAdmin: string;

  beforeAll(async () => {
    hub = await startHub({ admitAnyEvent: true }); // probe events (hub-requests.ts validEvent), not domain events
    alphaAdmin = await hub.token('alpha', 'admin');
    betaAdmin = await hub.token('beta', 'admin');
    const beta = new HttpEventStore({ url: hub.url, token: betaAdmin });
    await beta.append('run-secret', [validEvent()], { expectedRevision: 'no_stream' });
    await beta.close();
    await hub.settled('beta'); // the append's anchor lines are written just after its answer (D136)
  });
  afterAll(() => hub.cleanup());

  for (const spec of everyProjectEndpoint('beta')) {
    it(`given a token of project alpha, when it calls ${spec.name} of project beta, then 403 FORBIDDEN and beta is untouched`, async () => {
      const before = await treeFingerprint(hub.root);
      const answer = await send(hub.url, spec, alphaAdmin);
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body)).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('"beta"') });
      expect(await treeFingerprint(hub.root)).toBe(before);
    });
  }

  it("given a token of project alpha, its own project is reachable and holds none of beta's streams", async () => {
    const alpha = new HttpEventStore({ url: hub.url, token: alphaAdmin });
    const seen = [];
    for await (const e of alpha.readAll()) seen.push(e);
    expect(seen).toEqual([]);
    await alpha.close();
  });

  it('given no token or a forged one, when any endpoint is called, then 401 UNAUTHORIZED', async () => {
    const forged = `dst_${'0'.repeat(16)}_${'A'.repeat(43)}`;
    for (const spec of everyProjectEndpoint('alpha')) {
      for (const token of [undefined, 'nonsense', forged, `${alphaAdmin}x`]) {
        const answer = await send(hub.url, spec, token);
        expect(answer.status, `${spec.name} with ${String(token)}`).toBe(401);
        expect(JSON.parse(answer.body).code).toBe('UNAUTHORIZED');
      }
    }
  });

  it('given a token that worked, when it is revoked, then every endpoint refuses it with 401', async () => {
    const { token, info } = await hub.tokens.create('alpha', 'admin', 'to revoke');
    const readAll = everyProjectEndpoint('alpha').find((s) => s.name === 'read all')!;
    expect((await send(hub.url, readAll, token)).status).toBe(200);
    await hub.tokens.revoke(info.id);
    for (const spec of everyProjectEndpoint('alpha')) {
      expect((await send(hub.url, spec, token)).status, spec.name).toBe(401);
    }
  });

  it('given a read token, when it writes or manages tokens, then 403; reads are allowed', async () => {
    const reader = await hub.token('alpha', 'read');
    const writer = await hub.token('alpha', 'write');
    for (const spec of everyProjectEndpoint('alpha')) {
      const answer = await send(hub.url, spec, reader);
      const needs = ['append', 'upload object'].includes(spec.name) ? 'write' : spec.name.includes('token') ? 'admin' : 'read';
      if (needs === 'read') expect(answer.status, spec.name).not.toBe(403);
      else expect(answer.status, spec.name).toBe(403);
      if (needs === 'admin') expect((await send(hub.url, spec, writer)).status, `${spec.name} by a writer`).toBe(403);
    }
  });

  it('given an admin token, when it creates and revokes a token over HTTP, then the new token works until revoked', async () => {
    const created = await send(hub.url, { name: 'create', method: 'POST', path: `/v1/projects/alpha/tokens`, json: { role: 'read', label: 'ci' } }, alphaAdmin);
    expect(created.status).toBe(201);
    const { token, info } = JSON.parse(created.body) as { token: string; info: { id: string } };
    expect(hub.tokens.list('alpha').find((t) => t.id === info.id)).toMatchObject({ role: 'read', label: 'ci' });
    expect(JSON.stringify(hub.tokens.list())).not.toContain(token);
    const whoami = { name: 'whoami', method: 'GET' as const, path: '/v1/token' };
    expect(JSON.parse((await send(hub.url, whoami, token)).body)).toMatchObject({ project: 'alpha', role: 'read' });
    expect((await send(hub.url, { name: 'revoke', method: 'DELETE', path: `/v1/projects/alpha/tokens/${info.id}` }, alphaAdmin)).status).toBe(200);
    expect((await send(hub.url, whoami, token)).status).toBe(401);
  });
});

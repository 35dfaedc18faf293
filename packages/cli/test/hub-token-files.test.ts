import { createHash, randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ds, dsAsync } from './fixtures/cli-process.js';
import { startHubProcess, type HubProcess } from './fixtures/hub-process.js';

/** Every path under `dir` (itself included) with its permission bits. */
async function modesUnder(dir: string): Promise<Array<{ path: string; mode: number; directory: boolean }>> {
  const found = [{ path: dir, mode: (await fsp.stat(dir)).mode & 0o777, directory: true }];
  for (const entry of await fsp.readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    const stat = await fsp.lstat(path);
    if (!stat.isSymbolicLink()) found.push({ path, mode: stat.mode & 0o777, directory: stat.isDirectory() });
  }
  return found;
}

describe('ds token and ds serve on one hub directory', () => {
  let root: string;
  let hubDir: string;
  let hub: HubProcess | undefined;

  beforeEach(async () => {
    root = await fsp.mkdtemp(join(tmpdir(), 'ds-hub-tokens-'));
    hubDir = join(root, 'hub');
  });
  afterEach(async () => {
    hub?.child.kill('SIGTERM');
    await hub?.exited;
    hub = undefined;
    await fsp.rm(root, { recursive: true, force: true });
  });

  const whoami = async (token: string): Promise<number> => (await fetch(`${hub!.url}/v1/token`, { headers: { authorization: `Bearer ${token}` } })).status;
  const create = () => dsAsync(['token', 'create', '--store', hubDir, '--project', 'p', '--role', 'read', '--json'], root);

  it('given 6 ds token create in parallel while ds serve runs, then every token printed is kept, listed and accepted by the running hub', async () => {
    expect(ds(['token', 'create', '--store', hubDir, '--project', 'p', '--role', 'admin'], { cwd: root }).code).toBe(0);
    hub = await startHubProcess(hubDir);
    const created = await Promise.all(Array.from({ length: 6 }, create));
    for (const c of created) expect(c.code, c.stderr).toBe(0);
    const tokens = created.map((c) => JSON.parse(c.stdout) as { token: string; info: { id: string } });
    const listed = JSON.parse(ds(['token', 'list', '--store', hubDir, '--json'], { cwd: root }).stdout) as Array<{ id: string }>;
    for (const t of tokens) {
      expect(listed.map((l) => l.id)).toContain(t.info.id);
      expect(await whoami(t.token)).toBe(200);
    }
  });

  it('given ds token revoke racing 6 ds token create, when the revoke exited 0, then the running hub refuses the token from the next request on', async () => {
    const victim = JSON.parse(ds(['token', 'create', '--store', hubDir, '--project', 'p', '--json'], { cwd: root }).stdout) as {
      token: string;
      info: { id: string };
    };
    hub = await startHubProcess(hubDir);
    expect(await whoami(victim.token)).toBe(200);
    const [revoked] = await Promise.all([dsAsync(['token', 'revoke', victim.info.id, '--store', hubDir], root), ...Array.from({ length: 6 }, create)]);
    expect(revoked!.code, revoked!.stderr).toBe(0);
    expect(await whoami(victim.token)).toBe(401);
  });

  it("given a hub that made tokens, a project's log and an object, then none of its files or directories is open to other users", async () => {
    const token = JSON.parse(ds(['token', 'create', '--store', hubDir, '--project', 'p', '--role', 'write', '--json'], { cwd: root }).stdout).token as string;
    hub = await startHubProcess(hubDir);
    const headers = { authorization: `Bearer ${token}` };
    const append = await fetch(`${hub.url}/v1/projects/p/streams/run-a`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ events: [runStarted('a')], expectedRevision: 'no_stream' }),
    });
    expect(append.status).toBe(200);
    const bytes = Buffer.from('an object');
    const upload = await fetch(`${hub.url}/v1/projects/p/objects/sha256/${createHash('sha256').update(bytes).digest('hex')}`, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(upload.status).toBe(201);

    const open = (await modesUnder(hubDir)).filter((entry) => (entry.mode & 0o077) !== 0).map((e) => `${e.path.slice(hubDir.length)} ${e.mode.toString(8)}`);
    expect(open).toEqual([]);
    expect((await modesUnder(hubDir)).some((e) => e.path.endsWith('tokens.json'))).toBe(true);
  });
});

/** The first event of a run stream, as the SDK writes it: the hub's append gate admits nothing else first. */
function runStarted(runId: string): object {
  const data = {
    runId,
    projectId: 'p',
    mode: 'script',
    workload: {},
    codeVersion: {},
    environment: { runtime: 'node', os: 'linux', host: 'h', user: 'u' },
    startedAt: new Date().toISOString(),
  };
  return { id: randomUUID(), type: 'RunStarted', schemaVersion: 1, data, meta: { correlationId: 'c', actor: { user: 'u', host: 'h' }, sdkVersion: '0.1.0' } };
}

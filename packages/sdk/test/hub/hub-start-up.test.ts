import { cp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { hubTokens, serveHub, type ProjectPrepared } from '../../src/index.js';
import { useWorkspace } from '../annotations/client-fixture.js';

describe('a hub started over a store that already holds projects', () => {
  const ws = useWorkspace();

  it('given two runs in one project, a damaged project and a directory that is no project, when the hub starts, then it prepares each project once in the background, reports the damaged one and still answers requests', async () => {
    const ds = ws.client();
    for (const depth of [2, 3]) {
      ds.start();
      ds.parameter('depth', depth);
      await ds.publish();
    }
    await ds.close();
    const hubDir = join(ws.dir, 'hub');
    await cp(join(ws.dir, '.dotscience', 'events'), join(hubDir, 'events', 'alpha'), { recursive: true });
    // The same log with a byte flipped in its middle (damage before the tail: the store refuses to open).
    await cp(join(ws.dir, '.dotscience', 'events'), join(hubDir, 'events', 'broken'), { recursive: true });
    const segment = (await readdir(join(hubDir, 'events', 'broken'))).find((name) => name.startsWith('segment-'))!;
    const bytes = await readFile(join(hubDir, 'events', 'broken', segment));
    bytes[bytes.length >> 1]! ^= 0x01;
    await writeFile(join(hubDir, 'events', 'broken', segment), bytes);
    await mkdir(join(hubDir, 'events', 'Not a project!'), { recursive: true });

    const reported: ProjectPrepared[] = [];
    const hub = await serveHub({ store: hubDir, port: 0, onPrepared: (outcome) => reported.push(outcome) });
    try {
      const prepared = await hub.prepared;
      expect(prepared).toEqual(reported);
      expect(prepared.map((p) => p.project)).toEqual(['alpha', 'broken']);
      // Its read model first, then its writer (every covered record checked, D166).
      expect(prepared[0]).toMatchObject({ project: 'alpha', runs: 2, ms: expect.any(Number), writerMs: expect.any(Number) });
      expect((prepared[0] as { ms: number; writerMs: number }).writerMs).toBeGreaterThanOrEqual((prepared[0] as { ms: number }).ms);
      expect(prepared[1]).toMatchObject({ project: 'broken', error: expect.stringContaining(segment) });

      const { token } = await (await hubTokens(hubDir)).create('alpha', 'read');
      const answer = await fetch(`${hub.url}/v1/projects/alpha/runs`, { headers: { authorization: `Bearer ${token}` } });
      expect(answer.status).toBe(200);
      expect(JSON.stringify(await answer.json())).toContain('"depth"');
    } finally {
      await hub.close();
    }
  });

  it('given a hub that served a project once, when it starts again, then it resumes the project’s read model file and answers runs and lineage from it', async () => {
    const ds = ws.client();
    ds.start();
    ds.parameter('depth', 4);
    await ds.publish();
    await ds.close();
    const hubDir = join(ws.dir, 'hub-again');
    await cp(join(ws.dir, '.dotscience', 'events'), join(hubDir, 'events', 'alpha'), { recursive: true });
    const first = await serveHub({ store: hubDir, port: 0 });
    await first.prepared;
    await first.close();

    const file = join(hubDir, 'read-models', 'alpha.sqlite');
    const db = new Database(file);
    try {
      // A marker only the file holds: seen through the hub, so it did not replay the log into memory.
      db.prepare("UPDATE runs SET view = json_set(view, '$.description', 'from the read model')").run();
      db.prepare("UPDATE projection_entries SET value = json_set(value, '$.description', 'from the read model') WHERE record = 'provenance.activities'").run();
    } finally {
      db.close();
    }
    const hub = await serveHub({ store: hubDir, port: 0 });
    try {
      const [prepared] = await hub.prepared;
      expect(prepared).toMatchObject({ project: 'alpha', runs: 1 });
      const { token } = await (await hubTokens(hubDir)).create('alpha', 'read');
      const get = async (path: string) => (await fetch(`${hub.url}/v1/projects/alpha/${path}`, { headers: { authorization: `Bearer ${token}` } })).json();
      const { runs } = (await get('runs')) as { runs: Array<{ runId: string; description: string }> };
      expect(runs[0]!.description).toBe('from the read model');
      const lineage = (await get(`lineage/${runs[0]!.runId}`)) as { graph: { activities: Record<string, { description: string }> } };
      expect(Object.values(lineage.graph.activities)[0]!.description).toBe('from the read model');
    } finally {
      await hub.close();
    }
  });

  it('given a hub directory with no projects yet, when the hub starts, then there is nothing to prepare', async () => {
    const hub = await serveHub({ store: join(ws.dir, 'empty-hub'), port: 0 });
    try {
      expect(await hub.prepared).toEqual([]);
    } finally {
      await hub.close();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { setTimeout } from 'node:timers/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsDataStore, FsEventStore } from '@dotscience/adapters-fs';
import { HubServer, ProjectDirectories, TokenRegistry, hubPaths } from '../src/index.js';
import { runStarted } from './run-events.js';

const PROJECT = 'p';

/** The bytes of every segment of a log, to tell that nothing was written. */
async function segmentBytes(dir: string): Promise<number> {
  const names = (await readdir(dir)).filter((name) => name.startsWith('segment-'));
  const sizes = await Promise.all(names.map(async (name) => (await stat(join(dir, name))).size));
  return sizes.reduce((a, b) => a + b, 0);
}

describe('a hub that answers reads before its project’s writer is open (D166; real fs stores, real hub on 127.0.0.1)', () => {
  let root: string;
  let logDir: string;
  let server: HubServer | undefined;
  let url: string;
  let token: string;
  /** Each time the hub opened a project's writer (an open that checks every record its snapshot covers), and how it ended. */
  let writerOpens: Array<'opened' | 'failed'>;
  const runIds = [randomUUID(), randomUUID()];

  const request = async (method: 'GET' | 'POST', path: string, json?: unknown) => {
    const response = await fetch(url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const appendStart = (runId: string) => request('POST', hubPaths.stream(PROJECT, `run-${runId}`), { events: [runStarted(runId, PROJECT)] });

  const startHub = async (): Promise<void> => {
    writerOpens = [];
    const projects = new ProjectDirectories({
      eventsRoot: join(root, 'events'),
      dataRoot: join(root, 'data'),
      openEvents: async (dir) => {
        try {
          const writer = await FsEventStore.open(dir);
          writerOpens.push('opened');
          return writer;
        } catch (error) {
          writerOpens.push('failed');
          throw error;
        }
      },
      openReader: (dir) => FsEventStore.open(dir, { readOnly: true }),
      openData: (dir) => new FsDataStore({ directory: dir, workers: 1 }),
    });
    server = new HubServer({ tokens: TokenRegistry.inDirectory(root), projects });
    url = await server.listen(0);
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ds-hub-deferred-'));
    logDir = join(root, 'events', PROJECT);
    // Two started runs in the project's log, written and closed before the hub starts (its snapshot covers them).
    const seeding = await FsEventStore.open(logDir);
    for (const runId of runIds) await seeding.append(`run-${runId}`, [runStarted(runId, PROJECT)]);
    await seeding.close();
    token = (await TokenRegistry.inDirectory(root).create(PROJECT, 'write')).token;
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await rm(root, { recursive: true, force: true });
  });

  it('given the writer lock held by another writer, when the hub is asked for runs, events and a stream, then it answers them all without opening its writer; an append is refused while the lock is held and goes through the writer once it is free', async () => {
    const other = await FsEventStore.open(logDir); // the lock between processes, held as another process would
    await startHub();
    try {
      const runs = await request('GET', hubPaths.runs(PROJECT));
      expect(runs.status).toBe(200);
      expect(runs.body.runs.map((r: { runId: string }) => r.runId).sort()).toEqual([...runIds].sort());
      expect((await request('GET', hubPaths.all(PROJECT))).body.events).toHaveLength(2);
      expect((await request('GET', hubPaths.stream(PROJECT, `run-${runIds[0]}`))).body.events).toHaveLength(1);
      expect(writerOpens).toEqual([]);

      const third = randomUUID();
      const refused = await appendStart(third);
      expect(refused).toMatchObject({ status: 422, body: { code: 'WRITER_LOCKED' } });
      expect(writerOpens).toEqual(['failed']);
      expect((await request('GET', hubPaths.all(PROJECT))).body.events).toHaveLength(2);
    } finally {
      await other.close();
    }
    const third = randomUUID();
    const accepted = await appendStart(third);
    expect(accepted.status).toBe(200);
    expect(accepted.body.events[0]).toMatchObject({ stream: `run-${third}`, position: 2, revision: 0 });
    expect(writerOpens).toEqual(['failed', 'opened']);
    const runs = await request('GET', hubPaths.runs(PROJECT));
    expect(runs.body.runs.map((r: { runId: string }) => r.runId).sort()).toEqual([...runIds, third].sort());
    // The writer is opened once: the next append does not open it again.
    expect((await appendStart(randomUUID())).status).toBe(200);
    expect(writerOpens).toEqual(['failed', 'opened']);
  });

  it('given a project served from its reader, when the hub is asked to open its writer in the background and an append comes meanwhile, then both share one open and the append is answered after it', async () => {
    await startHub();
    expect((await request('GET', hubPaths.runs(PROJECT))).body.runs).toHaveLength(2);
    const background = server!.openWriter(PROJECT);
    const appended = appendStart(randomUUID());
    expect(await background).toBe(true);
    expect((await appended).status).toBe(200);
    expect(writerOpens).toEqual(['opened']);
  });

  it('given a request still open (its body not all sent), when the hub is asked to open the writer once it is quiet, then it waits for that request to end; a hub that closes meanwhile stops waiting', async () => {
    await startHub();
    const { port } = new URL(url);
    const open = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: hubPaths.missingObjects(PROJECT),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    });
    const answered = new Promise<number>((resolve, reject) => open.on('response', (r) => (r.resume(), resolve(r.statusCode ?? 0))).on('error', reject));
    // The hub has the request open before it is asked: on a loaded machine its headers can arrive after the quiet period.
    const received = new Promise((resolve) => server!.app.server.once('request', resolve));
    open.write('{"digests":');
    await received;
    const opening = server!.openWriter(PROJECT, 50);
    await setTimeout(400);
    expect(writerOpens).toEqual([]);
    open.end('[]}');
    expect(await answered).toBe(200);
    expect(await opening).toBe(true);
    expect(writerOpens).toEqual(['opened']);

    const waiting = server!.openWriter(PROJECT, 3_600_000);
    await server!.close();
    server = undefined;
    expect(await waiting).toBe(false);
  });

  it('given a byte flipped inside a record the snapshot covers, when the hub starts, then the reads that do not touch that record are answered, and every append is refused naming the damaged segment, nothing written', async () => {
    const segment = (await readdir(logDir)).find((name) => name.startsWith('segment-'))!;
    const bytes = await readFile(join(logDir, segment));
    // The first record (the first run's RunStarted): the last one, which a read-only open checks, is left whole.
    bytes[200]! ^= 0x01;
    await writeFile(join(logDir, segment), bytes);
    const before = await segmentBytes(logDir);
    await startHub();

    const tail = await request('GET', `${hubPaths.all(PROJECT)}?fromPosition=1`);
    expect(tail.status).toBe(200);
    expect(tail.body.events.map((e: { position: number }) => e.position)).toEqual([1]);
    for (const attempt of [1, 2]) {
      const refused = await appendStart(randomUUID());
      expect({ attempt, status: refused.status }).toEqual({ attempt, status: 422 });
      expect(refused.body.message).toContain(segment);
    }
    expect(writerOpens).toEqual(['failed', 'failed']);
    expect(await segmentBytes(logDir)).toBe(before);
    // The damaged record itself is reported by the read that reads it.
    expect((await request('GET', hubPaths.all(PROJECT))).status).toBeGreaterThanOrEqual(400);
  });
});

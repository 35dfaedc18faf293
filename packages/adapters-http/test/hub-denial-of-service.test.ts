import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { tap } from 'rxjs';
import { FsDataStore, FsEventStore } from '@dotscience/adapters-fs';
import type { EventStore } from '@dotscience/core';
import { HttpEventStore, hubPaths, ProjectDirectories, TokenRegistry, type HubLimits, type HubServer, type HubServerOptions } from '../src/index.js';
import { rawConnection, requestHead, type RawConnection } from './hub-connection-probe.js';
import { hubOver } from './hub-fixture.js';
import { validEvent } from './hub-requests.js';

/** Short limits, so that a test sees each one act (the defaults are minutes). */
const SHORT: Partial<HubLimits> = { timeoutCheckIntervalMs: 100 };

describe('hub under a denial-of-service attempt', () => {
  let root: string;
  let server: HubServer;
  let url: string;
  let write: string;
  const open: RawConnection[] = [];

  async function start(limits: Partial<HubLimits>, options: (root: string) => Partial<HubServerOptions> = () => ({})): Promise<void> {
    root = await mkdtemp(join(tmpdir(), 'ds-hub-dos-'));
    write = (await TokenRegistry.inDirectory(root).create('p', 'write')).token;
    // These tests are of the HTTP layer: their probe events are not domain events, so the append gate is off.
    server = hubOver(root, { admitAnyEvent: true, limits: { ...SHORT, ...limits }, ...options(root) });
    url = await server.listen(0);
  }
  const connection = async (options?: { read?: boolean }): Promise<RawConnection> => {
    const c = await rawConnection(url, options);
    open.push(c);
    return c;
  };

  afterEach(async () => {
    for (const c of open.splice(0)) c.socket.destroy();
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('given no token, when a request announces a 32 MiB JSON body and sends 1 KiB of it, then it is answered 401 at once and its connection closed, the body never read', async () => {
    await start({});
    const c = await connection();
    c.socket.write(
      requestHead('POST', hubPaths.stream('p', 'run-a'), { 'content-type': 'application/json', 'content-length': 32 * 1024 * 1024 }) + ' '.repeat(1024),
    );
    const answer = await c.closed();
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer).toContain('"code":"UNAUTHORIZED"');
  });

  it('given no token, when a request for no route announces a 32 MiB body, then it is answered 404 at once and its connection closed, the body never read', async () => {
    await start({});
    const c = await connection();
    c.socket.write(requestHead('POST', '/v1/nothing-here', { 'content-type': 'application/json', 'content-length': 32 * 1024 * 1024 }) + ' '.repeat(1024));
    const answer = await c.closed();
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
    expect(answer).toContain('"code":"NOT_FOUND"');
  });

  it('given a token, when its body trickles in slower than the request timeout allows, then the hub answers 408 and closes the connection', async () => {
    await start({ requestTimeoutMs: 600, headersTimeoutMs: 600 });
    const c = await connection();
    c.socket.write(
      requestHead('POST', hubPaths.stream('p', 'run-a'), { authorization: `Bearer ${write}`, 'content-type': 'application/json', 'content-length': 1000 }) +
        '{"events":',
    );
    const answer = await c.closed();
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toContain('"code":"REQUEST_TIMEOUT"');
  });

  it('given a connection that never sends a request, when the headers timeout passes, then the hub closes it unanswered', async () => {
    await start({ headersTimeoutMs: 300 });
    const c = await connection();
    expect(await c.closed()).toBe('');
  });

  it('given a request whose headers stop half-way, when the headers timeout passes, then the hub answers 408 and closes the connection', async () => {
    await start({ headersTimeoutMs: 300 });
    const c = await connection();
    c.socket.write(`GET ${hubPaths.openapi()} HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
    expect(await c.closed()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('given a keep-alive connection left idle after its answer, when the keep-alive timeout passes, then the hub closes it', async () => {
    await start({ keepAliveTimeoutMs: 300 });
    const c = await connection();
    c.socket.write(requestHead('GET', hubPaths.openapi(), {}));
    await c.waitFor(/^HTTP\/1\.1 200 /);
    await c.closed();
  });

  it('given the connection cap is reached, when another connection arrives, then the hub closes it unanswered; once one leaves, a new one is served', async () => {
    await start({ maxConnections: 4 });
    const held: RawConnection[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await connection();
      c.socket.write(requestHead('GET', hubPaths.openapi(), {}));
      await c.waitFor(/^HTTP\/1\.1 200 /);
      held.push(c);
    }
    const refused = await connection();
    refused.socket.write(requestHead('GET', hubPaths.openapi(), {}));
    expect(await refused.closed()).toBe('');

    held[0]!.socket.destroy();
    await held[0]!.closed();
    // The hub learns of the departure asynchronously: a few tries, bounded.
    let served = '';
    for (let attempt = 0; attempt < 50 && !served.startsWith('HTTP/1.1 200'); attempt++) {
      const next = await connection();
      next.socket.write(requestHead('GET', hubPaths.openapi(), { connection: 'close' }));
      served = await next.closed();
      if (!served) await new Promise((r) => setTimeout(r, 50));
    }
    expect(served).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('given JSON bodies in flight fill the budget, when another announces its body, then it is answered 503 HUB_BUSY unread; the first completes and the budget comes back', async () => {
    await start({ bodiesInFlightBytes: 64 * 1024 });
    const body = (n: number) => {
      const json = JSON.stringify({ events: [validEvent()], expectedRevision: 'any' });
      return json + ' '.repeat(n - json.length);
    };
    const size = 40 * 1024;
    const first = await connection();
    // Expect: 100-continue — the hub's "go on" comes once it has taken the request in (and its share of the budget).
    first.socket.write(
      requestHead('POST', hubPaths.stream('p', 'run-first'), {
        authorization: `Bearer ${write}`,
        'content-type': 'application/json',
        'content-length': size,
        expect: '100-continue',
      }),
    );
    await first.waitFor(/^HTTP\/1\.1 100 /);
    first.socket.write(body(size).slice(0, 1000));

    const second = await connection();
    second.socket.write(
      requestHead('POST', hubPaths.stream('p', 'run-second'), { authorization: `Bearer ${write}`, 'content-type': 'application/json', 'content-length': size }),
    );
    const refused = await second.closed();
    expect(refused).toMatch(/^HTTP\/1\.1 503 /);
    expect(refused).toMatch(/retry-after: 1/i);
    expect(refused).toContain('"code":"HUB_BUSY"');

    first.socket.write(body(size).slice(1000));
    await first.waitFor(/HTTP\/1\.1 200 /);
    const third = await fetch(url + hubPaths.stream('p', 'run-third'), {
      method: 'POST',
      headers: { authorization: `Bearer ${write}`, 'content-type': 'application/json' },
      body: body(size),
    });
    expect(third.status).toBe(200);
  });

  it('given a token holding its cap of subscriptions, when it opens another, then 429 TOO_MANY_SUBSCRIPTIONS; other tokens are not held back, and a closed one frees its place', async () => {
    await start({ subscriptionsPerToken: 2 });
    const other = (await TokenRegistry.inDirectory(root).create('p', 'read')).token;
    const aborts: AbortController[] = [];
    const subscribe = async (token: string): Promise<Response> => {
      const abort = new AbortController();
      aborts.push(abort);
      return fetch(url + hubPaths.subscribe('p'), { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
    };
    try {
      expect((await subscribe(write)).status).toBe(200);
      expect((await subscribe(write)).status).toBe(200);
      const third = await subscribe(write);
      expect(third.status).toBe(429);
      expect(((await third.json()) as { code: string }).code).toBe('TOO_MANY_SUBSCRIPTIONS');
      expect((await subscribe(other)).status).toBe(200);

      aborts[0]!.abort();
      // The hub learns of the closed stream asynchronously: a few tries, bounded.
      let status = 429;
      for (let attempt = 0; attempt < 50 && status === 429; attempt++) {
        const again = await subscribe(write);
        status = again.status;
        if (status === 429) {
          await again.body?.cancel();
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      expect(status).toBe(200);
    } finally {
      for (const abort of aborts) abort.abort();
    }
  });

  it('given 32 MB of events and an SSE client that reads nothing, then the hub stops reading the log once the socket is full and buffers under 1 MiB; when the client reads, it gets every event once, in order', async () => {
    let read = 0;
    const counted = (store: EventStore): EventStore =>
      new Proxy(store, {
        get: (target, key) => {
          if (key === 'subscribe') return (o: Parameters<EventStore['subscribe']>[0]) => target.subscribe(o).pipe(tap(() => read++));
          if (key === 'readAll')
            return async function* (o: Parameters<EventStore['readAll']>[0]) {
              for await (const e of target.readAll(o)) {
                read++;
                yield e;
              }
            };
          const value = Reflect.get(target, key) as unknown;
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
    await start({}, (dir) => ({
      projects: new ProjectDirectories({
        eventsRoot: join(dir, 'events'),
        dataRoot: join(dir, 'data'),
        openEvents: async (d) => counted(await FsEventStore.open(d)),
        openData: (d) => new FsDataStore({ directory: d, workers: 1 }),
      }),
    }));
    const total = 4000;
    const client = new HttpEventStore({ url, token: write });
    const positions: number[] = [];
    const padding = 'x'.repeat(8 * 1024);
    for (let batch = 0; batch < total / 500; batch++) {
      const events = Array.from({ length: 500 }, (_, i) => ({ id: randomUUID(), type: 'Probe', schemaVersion: 1, data: { i, padding }, meta: {} }));
      positions.push(...(await client.append(`run-${batch}`, events, { expectedRevision: 'no_stream' })).events.map((e) => e.position));
    }
    await client.close();

    const hubSockets: Socket[] = [];
    server.app.server.on('connection', (s: Socket) => hubSockets.push(s));
    const { port } = new URL(url);
    const reader = connect({ host: '127.0.0.1', port: Number(port) });
    await new Promise<void>((resolve) => reader.once('connect', resolve));
    reader.write(requestHead('GET', hubPaths.subscribe('p'), { authorization: `Bearer ${write}` }));

    // Wait until the hub stalls: nothing more read from the log and nothing more written, for a second (bounded).
    let last = '';
    let still = 0;
    for (let polls = 0; polls < 200 && still < 10; polls++) {
      await new Promise((r) => setTimeout(r, 100));
      const now = `${read}/${hubSockets.map((s) => s.bytesWritten).join(',')}`;
      still = now === last && read > 0 ? still + 1 : 0;
      last = now;
    }
    const buffered = Math.max(...hubSockets.map((s) => s.writableLength));
    expect(read).toBeLessThan(total);
    expect(buffered).toBeLessThan(1024 * 1024);

    const chunks: string[] = [];
    let tail = '';
    const lastId = `id: ${positions.at(-1)}\n`;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the stream did not deliver every event (${chunks.length} chunks)`)), 60_000);
      reader.setEncoding('utf8').on('data', (chunk: string) => {
        chunks.push(chunk);
        tail = tail.slice(-64) + chunk;
        if (tail.includes(lastId)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    reader.destroy();
    const text = chunks.join('');
    expect([...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual(positions);
  }, 120_000);
});

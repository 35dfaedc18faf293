import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { InvalidInputError, type NewEvent, type RecordedEvent } from '@dotscience/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpEventStore } from '../src/index.js';
import { startHub, type RunningHub } from './hub-fixture.js';

const newEvents = (n: number): NewEvent[] => Array.from({ length: n }, (_, i) => ({ id: randomUUID(), type: 'MetricRecorded', schemaVersion: 1, data: { name: 'loss', value: i / 10, step: i }, meta: { sdkVersion: '0.1.0' } }));

interface AppendAnswer {
  nextExpectedRevision: number;
  position: number;
  events: Array<Record<string, unknown>>;
}

/**
 * A real HTTP server on 127.0.0.1 standing in front of a real hub: it forwards
 * every request and lets a test rewrite the hub's append answer, as a buggy or
 * hostile hub (or proxy) would.
 */
async function tamperingProxy(hubUrl: string, tamper: (answer: AppendAnswer) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', async () => {
      const forwarded = await fetch(hubUrl + request.url!, {
        method: request.method!,
        headers: { authorization: request.headers.authorization!, ...(chunks.length ? { 'content-type': 'application/json' } : {}) },
        ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
      });
      let text = await forwarded.text();
      if (request.method === 'POST' && forwarded.ok) {
        const answer = JSON.parse(text) as AppendAnswer;
        tamper(answer);
        text = JSON.stringify(answer);
      }
      response.writeHead(forwarded.status, { 'content-type': 'application/json' }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, server };
}

describe('HttpEventStore: the hub answer to an append is checked against what was sent', () => {
  let hub: RunningHub;
  let token: string;
  beforeAll(async () => {
    hub = await startHub();
    token = await hub.token('answers');
  });
  afterAll(() => hub.cleanup());

  it('given a hub, when 1,000 events are appended, then the answer is exactly what the hub recorded (as read back)', async () => {
    const store = new HttpEventStore({ url: hub.url, token });
    try {
      const sent = newEvents(1000);
      const result = await store.append(`run-${randomUUID()}`, sent, { expectedRevision: 'no_stream' });
      const stream = result.events[0]!.stream;
      const read: RecordedEvent[] = [];
      for await (const e of store.readStream(stream)) read.push(e);
      expect(result.events).toEqual(read);
      expect(result.events.map((e) => e.id)).toEqual(sent.map((e) => e.id));
      expect(result.nextExpectedRevision).toBe(999);
      expect(result.position).toBe(read.at(-1)!.position);
    } finally {
      await store.close();
    }
  });

  const tampered: Array<{ what: string; tamper: (a: AppendAnswer) => void; field: string }> = [
    { what: 'names another event id', tamper: (a) => (a.events[1]!.id = randomUUID()), field: 'events.1.id' },
    { what: 'leaves an event out', tamper: (a) => a.events.pop(), field: 'events' },
    { what: 'puts an event in another stream', tamper: (a) => (a.events[2]!.stream = 'run-elsewhere'), field: 'events.2.stream' },
    { what: 'skips a revision', tamper: (a) => (a.events[1]!.revision = 5), field: 'events.1.revision' },
    { what: 'breaks the hash chain', tamper: (a) => (a.events[1]!.prevHash = 'f'.repeat(64)), field: 'events.1.prevHash' },
    { what: 'goes back in position', tamper: (a) => (a.events[1]!.position = 0), field: 'events.1.position' },
    { what: 'reports another next revision', tamper: (a) => (a.nextExpectedRevision = 7), field: 'nextExpectedRevision' },
    { what: 'reports another position', tamper: (a) => (a.position += 10), field: 'position' },
    { what: 'sends a malformed hash', tamper: (a) => (a.events[0]!.hash = 'not a hash'), field: 'events.0.hash' },
    { what: 'sends a recordedAt that is no timestamp', tamper: (a) => (a.events[0]!.recordedAt = 'yesterday'), field: 'events.0.recordedAt' },
  ];
  for (const { what, tamper, field } of tampered) {
    it(`given a hub answer that ${what}, when the client appends, then it is refused as an InvalidInputError naming ${field}`, async () => {
      const proxy = await tamperingProxy(hub.url, tamper);
      const store = new HttpEventStore({ url: proxy.url, token });
      try {
        const error = await store.append(`run-${randomUUID()}`, newEvents(3), { expectedRevision: 'no_stream' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidInputError);
        expect((error as InvalidInputError).problems.map((p) => p.path).join(' ')).toContain(field);
      } finally {
        await store.close();
        await new Promise((resolve) => proxy.server.close(resolve));
      }
    });
  }

  it('given a client, when it appends one event at a time, then every request goes over one kept-alive connection', async () => {
    let connections = 0;
    const counting = () => connections++;
    hub.server.app.server.on('connection', counting);
    const store = new HttpEventStore({ url: hub.url, token });
    try {
      const stream = `run-${randomUUID()}`;
      for (let i = 0; i < 20; i++) await store.append(stream, newEvents(1), { expectedRevision: i - 1 });
      expect(connections).toBe(1);
    } finally {
      hub.server.app.server.off('connection', counting);
      await store.close();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { InvalidInputError, type NewEvent, type RecordedEvent } from '@dotscience/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpEventStore, hubPaths, openApiDocument } from '../src/index.js';
import { startHub, type RunningHub } from './hub-fixture.js';

const newEvents = (n: number): NewEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    id: randomUUID(),
    type: 'MetricRecorded',
    schemaVersion: 1,
    data: { name: 'loss', value: i / 10, step: i },
    meta: { sdkVersion: '0.1.0' },
  }));

type Answer = Record<string, unknown> & { nextExpectedRevision: number; position: number };
interface ReceiptsAnswer extends Answer {
  receipts: Array<Record<string, unknown> & { revision: number; position: number; hash: string; prevHash: string }>;
}
interface ChainAnswer extends Answer {
  first?: Record<string, unknown> & { revision: number; prevHash: string };
  lastHash?: string;
  positions: Array<Record<string, unknown> & { from: number; count: number }>;
  recordedAt: Array<Record<string, unknown> & { at: string; count: number }>;
}
interface EventsAnswer extends Answer {
  events: Array<Record<string, unknown>>;
}

/**
 * A real HTTP server on 127.0.0.1 standing in front of a real hub: it forwards
 * every request and lets a test rewrite the hub's answers — to appends (POST)
 * and to reads (GET) — as a buggy or hostile hub (or proxy) would.
 */
async function tamperingProxy(
  hubUrl: string,
  tamper: { append?: (answer: ChainAnswer) => void; read?: (page: EventsAnswer) => void; sent?: (body: string) => void },
): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', async () => {
      if (chunks.length) tamper.sent?.(Buffer.concat(chunks).toString('utf8'));
      const forwarded = await fetch(hubUrl + request.url!, {
        method: request.method!,
        headers: { authorization: request.headers.authorization!, ...(chunks.length ? { 'content-type': 'application/json' } : {}) },
        ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
      });
      let text = await forwarded.text();
      const rewrite = request.method === 'POST' ? tamper.append : tamper.read;
      if (rewrite && forwarded.ok) {
        const answer = JSON.parse(text) as ChainAnswer & EventsAnswer;
        rewrite(answer);
        text = JSON.stringify(answer);
      }
      response.writeHead(forwarded.status, { 'content-type': 'application/json' }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, server };
}

describe('HttpEventStore: the hub answers an append with its chain (compact receipts), proven against what was sent by the hash chain', () => {
  let hub: RunningHub;
  let token: string;
  beforeAll(async () => {
    hub = await startHub({ admitAnyEvent: true }); // probe events, not domain events: the store contract over HTTP
    token = await hub.token('answers');
  });
  afterAll(() => hub.cleanup());

  /** The hub requests made while `act` runs, as "METHOD path". */
  async function requestsDuring(act: () => Promise<void>): Promise<string[]> {
    const seen: string[] = [];
    const record = (request: IncomingMessage) => seen.push(`${request.method} ${request.url}`);
    hub.server.app.server.on('request', record);
    try {
      await act();
    } finally {
      hub.server.app.server.off('request', record);
    }
    return seen;
  }

  const readAll = async (store: HttpEventStore, stream: string): Promise<RecordedEvent[]> => {
    const read: RecordedEvent[] = [];
    for await (const e of store.readStream(stream)) read.push(e);
    return read;
  };

  it('given a hub, when 1,000 events are appended, then the answer is exactly what the hub recorded (as read back), built from one request and the chain answer', async () => {
    const store = new HttpEventStore({ url: hub.url, token, project: 'answers' });
    try {
      const sent = newEvents(1000);
      const stream = `run-${randomUUID()}`;
      let result!: Awaited<ReturnType<HttpEventStore['append']>>;
      const requests = await requestsDuring(async () => {
        result = await store.append(stream, sent, { expectedRevision: 'no_stream' });
      });
      expect(requests).toEqual([`POST ${hubPaths.stream('answers', stream)}?answer=chain`]);
      const read = await readAll(store, stream);
      expect(result.events).toEqual(read);
      expect(result.events.map((e) => e.id)).toEqual(sent.map((e) => e.id));
      expect(result.nextExpectedRevision).toBe(999);
      expect(result.position).toBe(read.at(-1)!.position);
    } finally {
      await store.close();
    }
  });

  it('given events whose data needs escapes (quotes, controls, emoji, an unpaired surrogate, big numbers), when they are appended, then the chain answer proves them without a read-back and the answer is what was recorded', async () => {
    const store = new HttpEventStore({ url: hub.url, token, project: 'answers' });
    try {
      const stream = `run-${randomUUID()}`;
      const sent = newEvents(2).map((e, i) => ({
        ...e,
        data: {
          text: `quote " backslash \\ newline \n tab \t emoji 😀 unpaired \ud800 ${i}`,
          big: 1e21,
          small: 5e-324,
          nested: { b: [1, 'x', null], a: true },
        },
      }));
      let result!: Awaited<ReturnType<HttpEventStore['append']>>;
      const requests = await requestsDuring(async () => {
        result = await store.append(stream, sent, { expectedRevision: 'no_stream' });
      });
      expect(requests.map((r) => r.split(' ')[0])).toEqual(['POST']);
      expect(result.events).toEqual(await readAll(store, stream));
      expect(result.events.map((e) => e.data)).toEqual(sent.map((e) => e.data));
    } finally {
      await store.close();
    }
  });

  it('given a batch that shares its type, schemaVersion and meta, when it is appended, then the request states them once in common; a batch that does not shares only what is alike; both are recorded as sent and proven without a read-back', async () => {
    const bodies: string[] = [];
    const proxy = await tamperingProxy(hub.url, { sent: (body) => bodies.push(body) });
    const store = new HttpEventStore({ url: proxy.url, token, project: 'answers' });
    try {
      const stream = `run-${randomUUID()}`;
      const alike = newEvents(3);
      const mixed = newEvents(3).map((e, i) => (i === 1 ? { ...e, type: 'RunDescribed', meta: { sdkVersion: '0.2.0' } } : e));
      let results: Array<Awaited<ReturnType<HttpEventStore['append']>>> = [];
      const requests = await requestsDuring(async () => {
        results = [await store.append(stream, alike, { expectedRevision: 'no_stream' }), await store.append(stream, mixed, { expectedRevision: 2 })];
      });
      expect(requests.map((r) => r.split(' ')[0])).toEqual(['POST', 'POST']);
      const [first, second] = bodies.map((b) => JSON.parse(b) as { common: Record<string, unknown>; events: Array<Record<string, unknown>> });
      expect(first!.common).toEqual({ meta: { sdkVersion: '0.1.0' }, schemaVersion: 1, type: 'MetricRecorded' });
      expect(first!.events.map((e) => Object.keys(e))).toEqual(Array(3).fill(['data', 'id']));
      expect(second!.common).toEqual({ schemaVersion: 1 });
      expect(second!.events.map((e) => [e['type'], e['meta']])).toEqual(mixed.map((e) => [e.type, e.meta]));
      const read = await readAll(store, stream);
      expect([...results[0]!.events, ...results[1]!.events]).toEqual(read);
      expect(read.map(({ id, type, schemaVersion, data, meta }) => ({ id, type, schemaVersion, data, meta }))).toEqual([...alike, ...mixed]);
    } finally {
      await store.close();
      await new Promise((resolve) => proxy.server.close(resolve));
    }
  });

  it("given a body whose events state some of the common fields themselves, then each event keeps its own and takes common's for the rest", async () => {
    const stream = `run-${randomUUID()}`;
    const [a, b] = newEvents(2);
    const response = await fetch(`${hub.url}${hubPaths.stream('answers', stream)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        common: { type: 'Probe', meta: { correlationId: 'c' } },
        events: [
          { id: a!.id, schemaVersion: 1, data: 1 },
          { id: b!.id, type: 'Own', schemaVersion: 2, data: 2, meta: {} },
        ],
      }),
    });
    expect(response.status).toBe(200);
    const store = new HttpEventStore({ url: hub.url, token, project: 'answers' });
    const read = await readAll(store, stream);
    await store.close();
    expect(read.map(({ type, schemaVersion, data, meta }) => ({ type, schemaVersion, data, meta }))).toEqual([
      { type: 'Probe', schemaVersion: 1, data: 1, meta: { correlationId: 'c' } },
      { type: 'Own', schemaVersion: 2, data: 2, meta: {} },
    ]);
  });

  it('given events recorded once, when they are appended again with the same ids but other data (an idempotent retry), then the answer is what was recorded the first time, read back', async () => {
    const store = new HttpEventStore({ url: hub.url, token, project: 'answers' });
    try {
      const stream = `run-${randomUUID()}`;
      const first = newEvents(3);
      const original = await store.append(stream, first, { expectedRevision: 'no_stream' });
      const retry = first.map((e) => ({ ...e, data: { name: 'loss', value: 42, step: 7 } }));
      let result!: Awaited<ReturnType<HttpEventStore['append']>>;
      const requests = await requestsDuring(async () => {
        result = await store.append(stream, retry, { expectedRevision: 'no_stream' });
      });
      expect(requests.map((r) => r.split(' ')[0])).toEqual(['POST', 'GET']);
      expect(result).toEqual(original);
      expect(result.events.map((e) => e.data)).toEqual(first.map((e) => e.data));
      expect(result.events).toEqual(await readAll(store, stream));
    } finally {
      await store.close();
    }
  });

  it('given clients of earlier versions (no answer kind, or receipts), when they append, then the hub answers with the recorded events in full or a receipt per event; the chain answer states the same; an unknown answer kind is refused naming the query field', async () => {
    const stream = `run-${randomUUID()}`;
    const post = (query: string) =>
      fetch(`${hub.url}${hubPaths.stream('answers', stream)}${query}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events: newEvents(2), expectedRevision: 'any' }),
      });
    const full = (await (await post('')).json()) as EventsAnswer;
    expect(full.events.map((e) => Object.keys(e).sort())).toEqual(
      Array(2).fill(['data', 'hash', 'id', 'meta', 'position', 'prevHash', 'recordedAt', 'revision', 'schemaVersion', 'stream', 'type']),
    );
    const receipts = (await (await post('?answer=receipts')).json()) as ReceiptsAnswer;
    expect(receipts.receipts.map((r) => Object.keys(r).sort())).toEqual(Array(2).fill(['hash', 'id', 'position', 'prevHash', 'recordedAt', 'revision']));
    expect(receipts.receipts[0]!.prevHash).toBe(full.events[1]!.hash);
    const chain = (await (await post('?answer=chain')).json()) as ChainAnswer;
    expect(Object.keys(chain).sort()).toEqual(['first', 'lastHash', 'nextExpectedRevision', 'position', 'positions', 'recordedAt']);
    expect(chain.first).toEqual({ revision: 4, prevHash: receipts.receipts[1]!.hash });
    const recorded: Array<Record<string, unknown>> = [];
    for await (const e of new HttpEventStore({ url: hub.url, token, project: 'answers' }).readStream(stream, { fromRevision: 4 })) recorded.push(e);
    expect(chain.lastHash).toBe(recorded[1]!['hash']);
    expect(chain.positions).toEqual([{ from: recorded[0]!['position'], count: 2 }]);
    expect(recorded[1]!['position']).toBe((recorded[0]!['position'] as number) + 1);
    expect(chain.recordedAt).toEqual([{ at: recorded[0]!['recordedAt'], count: 2 }]);
    expect(chain).toMatchObject({ nextExpectedRevision: 5, position: recorded[1]!['position'] });
    const refused = await post('?answer=everything');
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('answer');
  });

  it('given the OpenAPI description, then the append operation offers answer=receipts and answer=chain and describes the three answers', () => {
    const paths = openApiDocument()['paths'] as Record<
      string,
      Record<string, { parameters: Array<{ name: string; in: string; schema: unknown }>; responses: Record<string, unknown> }>
    >;
    const append = paths['/v1/projects/{project}/streams/{stream}']!['post']!;
    expect(append.parameters).toContainEqual(
      expect.objectContaining({ name: 'answer', in: 'query', required: false, schema: expect.objectContaining({ enum: ['events', 'receipts', 'chain'] }) }),
    );
    const answers = JSON.stringify(append.responses['200']);
    expect(answers).toContain('"receipts"');
    expect(answers).toContain('"lastHash"');
    expect(answers).toContain('"events"');
    const conflict = JSON.stringify(append.responses['409']);
    expect(conflict).toContain('DUPLICATE_EVENT_ID');
    expect(conflict).toContain('"existing"');
  });

  const tampered: Array<{ what: string; tamper: Parameters<typeof tamperingProxy>[1]; field: string; readBack?: boolean }> = [
    { what: 'leaves the last hash out', tamper: { append: (a) => delete a.lastHash }, field: 'lastHash' },
    { what: 'counts another number of positions', tamper: { append: (a) => (a.positions[0]!.count = 2) }, field: 'positions' },
    { what: 'counts another number of events in recordedAt', tamper: { append: (a) => (a.recordedAt[0]!.count = 4) }, field: 'recordedAt' },
    { what: 'leaves the first revision and prevHash out', tamper: { append: (a) => delete a.first }, field: 'first' },
    { what: 'starts at another revision', tamper: { append: (a) => (a.first!.revision = 5) }, field: 'nextExpectedRevision' },
    {
      what: 'goes back in position',
      tamper: {
        append: (a) =>
          (a.positions = [
            { from: a.positions[0]!.from, count: 1 },
            { from: 0, count: 2 },
          ]),
      },
      field: 'positions.1.from',
    },
    { what: 'reports another next revision', tamper: { append: (a) => (a.nextExpectedRevision = 7) }, field: 'nextExpectedRevision' },
    { what: 'reports another position', tamper: { append: (a) => (a.position += 10) }, field: 'position' },
    { what: 'sends a malformed hash', tamper: { append: (a) => (a.lastHash = 'not a hash') }, field: 'lastHash' },
    { what: 'sends a revision as text', tamper: { append: (a) => ((a.first as Record<string, unknown>).revision = '0') }, field: 'first.revision' },
    { what: 'sends a recordedAt that is no timestamp', tamper: { append: (a) => (a.recordedAt[0]!.at = 'yesterday') }, field: 'recordedAt.0.at' },
    { what: 'breaks the hash chain at its start', tamper: { append: (a) => (a.first!.prevHash = 'f'.repeat(64)) }, field: 'first.prevHash', readBack: true },
    { what: 'replaces the last hash', tamper: { append: (a) => (a.lastHash = 'e'.repeat(64)) }, field: 'lastHash', readBack: true },
    {
      what: 'shifts every revision consistently (the hash covers the revision)',
      tamper: {
        append: (a) => {
          a.first!.revision += 5;
          a.nextExpectedRevision += 5;
        },
      },
      field: 'events',
      readBack: true,
    },
    {
      what: "replaces the last hash, and the read-back's data (the record no longer verifies)",
      tamper: { append: (a) => (a.lastHash = 'e'.repeat(64)), read: (page) => (page.events[0]!.data = { name: 'loss', value: 1e9 }) },
      field: 'events.0.hash',
      readBack: true,
    },
    {
      what: 'replaces the last hash, and the read-back puts an event in another stream',
      tamper: { append: (a) => (a.lastHash = 'e'.repeat(64)), read: (page) => (page.events[2]!.stream = 'run-elsewhere') },
      field: 'events.2.stream',
      readBack: true,
    },
  ];
  for (const { what, tamper, field, readBack } of tampered) {
    it(`given a hub answer that ${what}, when the client appends, then it is refused${readBack ? ' after reading the record back' : ''} as an InvalidInputError naming ${field}`, async () => {
      const proxy = await tamperingProxy(hub.url, tamper);
      const store = new HttpEventStore({ url: proxy.url, token, project: 'answers' });
      try {
        const stream = `run-${randomUUID()}`;
        let error: unknown;
        const requests = await requestsDuring(async () => {
          error = await store.append(stream, newEvents(3), { expectedRevision: 'no_stream' }).catch((e: unknown) => e);
        });
        expect(error).toBeInstanceOf(InvalidInputError);
        expect((error as InvalidInputError).problems.map((p) => p.path)).toContain(field);
        expect(requests.map((r) => r.split(' ')[0])).toEqual(readBack ? ['POST', 'GET'] : ['POST']);
      } finally {
        await store.close();
        await new Promise((resolve) => proxy.server.close(resolve));
      }
    });
  }

  it("given a chain answer whose positions and recordedAt come in several runs, when the client appends, then each event gets its run's position and time, proven without a read-back", async () => {
    const later = '2031-01-01T00:00:00.000Z';
    const proxy = await tamperingProxy(hub.url, {
      append: (a) => {
        const from = a.positions[0]!.from;
        a.positions = [
          { from, count: 1 },
          { from: from + 10, count: 2 },
        ];
        a.position = from + 11;
        a.recordedAt = [
          { at: a.recordedAt[0]!.at, count: 1 },
          { at: later, count: 2 },
        ];
      },
    });
    const store = new HttpEventStore({ url: proxy.url, token, project: 'answers' });
    try {
      const stream = `run-${randomUUID()}`;
      let result!: Awaited<ReturnType<HttpEventStore['append']>>;
      const requests = await requestsDuring(async () => {
        result = await store.append(stream, newEvents(3), { expectedRevision: 'no_stream' });
      });
      expect(requests.map((r) => r.split(' ')[0])).toEqual(['POST']);
      const read = await readAll(store, stream);
      expect(result.events.map((e) => e.recordedAt)).toEqual([read[0]!.recordedAt, later, later]);
      const from = read[0]!.position;
      expect(result.events.map((e) => e.position)).toEqual([from, from + 10, from + 11]);
      expect(result.position).toBe(from + 11);
      expect(result.events.map((e) => ({ ...e, recordedAt: '', position: 0 }))).toEqual(read.map((e) => ({ ...e, recordedAt: '', position: 0 })));
    } finally {
      await store.close();
      await new Promise((resolve) => proxy.server.close(resolve));
    }
  });

  it('given a client, when it appends one event at a time, then every request goes over one kept-alive connection', async () => {
    let connections = 0;
    const counting = () => connections++;
    hub.server.app.server.on('connection', counting);
    const store = new HttpEventStore({ url: hub.url, token, project: 'answers' });
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

import fc from 'fast-check';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppendBodySchema, CreateTokenBodySchema, HttpEventStore, MissingObjectsBodySchema } from '../src/index.js';
import { startHub, type RunningHub } from './hub-fixture.js';
import { everyProjectEndpoint, send, treeFingerprint, validEvent, type HubRequestSpec } from './hub-requests.js';

/** The JSON-body endpoints and the schema a body must fail to count as malformed. */
const JSON_ENDPOINTS = everyProjectEndpoint('alpha').filter((s) => s.json !== undefined);
const SCHEMAS: Record<string, { safeParse(v: unknown): { success: boolean } }> = {
  append: AppendBodySchema,
  'missing objects': MissingObjectsBodySchema,
  'create token': CreateTokenBodySchema,
};

/** A valid body with one field replaced by anything, or removed. */
const mutatedAppend = fc
  .record({
    field: fc.constantFrom('events', 'expectedRevision', 'common', 'common.meta', 'common.type', 'id', 'type', 'schemaVersion', 'data', 'meta', 'extra'),
    value: fc.oneof(fc.jsonValue(), fc.constant(undefined)),
    leaveToCommon: fc.boolean(),
  })
  .map(({ field, value, leaveToCommon }) => {
    const event: Record<string, unknown> = validEvent();
    const body: Record<string, unknown> = { events: [event], expectedRevision: 0 };
    if (leaveToCommon) {
      body['common'] = { type: event['type'], meta: event['meta'] };
      delete event['type'];
      delete event['meta'];
    }
    if (field === 'events' || field === 'expectedRevision' || field === 'extra' || field === 'common') body[field] = value;
    else if (field.startsWith('common.')) body['common'] = { ...(body['common'] as object | undefined), [field.slice(7)]: value };
    else event[field] = value;
    return JSON.stringify(body);
  });
const anyJson = fc.jsonValue().map((v) => JSON.stringify(v));
const notJson = fc.oneof(fc.string(), fc.constantFrom('{', '{"events": [', '[1,2', 'nul', '{"__proto__": {"x": 1}}', '', '\u0000'));

describe('hub boundary: malformed input', () => {
  let hub: RunningHub;
  let token: string;

  beforeAll(async () => {
    hub = await startHub({ admitAnyEvent: true }); // probe events (hub-requests.ts validEvent), not domain events
    token = await hub.token('alpha', 'admin');
    const store = new HttpEventStore({ url: hub.url, token });
    await store.append('run-a', [validEvent()], { expectedRevision: 'no_stream' });
    await store.close();
    await hub.settled('alpha'); // the append's anchor lines are written just after its answer (D136)
  });
  afterAll(() => hub.cleanup());

  it('given 1,200 generated malformed bodies on every JSON endpoint, then each gets a 4xx JSON {code, message} and the store stays byte-identical', async () => {
    const before = await treeFingerprint(hub.root);
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...JSON_ENDPOINTS), fc.oneof(mutatedAppend, anyJson, notJson), async (spec: HubRequestSpec, raw: string) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          parsed = Symbol('not JSON');
        }
        fc.pre(!SCHEMAS[spec.name]!.safeParse(parsed).success);
        const answer = await send(hub.url, spec, token, raw);
        sent++;
        expect(answer.status, `${spec.name} ${raw.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        const body = JSON.parse(answer.body) as { code: unknown; message: unknown };
        expect(typeof body.code).toBe('string');
        expect(typeof body.message).toBe('string');
      }),
      { numRuns: 1200 },
    );
    expect(sent).toBeGreaterThanOrEqual(1000);
    expect(await treeFingerprint(hub.root)).toBe(before);
  });

  it('given a body with a bad field, then the error names the field', async () => {
    const append = JSON_ENDPOINTS.find((s) => s.name === 'append')!;
    const answer = await send(hub.url, append, token, JSON.stringify({ events: [{ ...validEvent(), schemaVersion: 'one' }] }));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/events\.0.*schemaVersion/) });
  });

  it('given a body whose common fields are bad, or whose event lacks a field that common does not give, then the error names the field and nothing is written', async () => {
    const before = await treeFingerprint(hub.root);
    const append = JSON_ENDPOINTS.find((s) => s.name === 'append')!;
    const { type: _type, ...untyped } = validEvent();
    const badCommon = await send(hub.url, append, token, JSON.stringify({ common: { meta: { actor: 'me' } }, events: [untyped] }));
    expect(badCommon.status).toBe(400);
    expect(JSON.parse(badCommon.body)).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/common\.meta\.actor/) });
    const noType = await send(hub.url, append, token, JSON.stringify({ common: { schemaVersion: 1 }, events: [validEvent(), untyped] }));
    expect(noType.status).toBe(400);
    expect(JSON.parse(noType.body)).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/events\.1: type/) });
    expect(await treeFingerprint(hub.root)).toBe(before);
  });

  it('given a bad common field that every event states for itself, then it is refused all the same, named, and nothing is written', async () => {
    const before = await treeFingerprint(hub.root);
    const append = JSON_ENDPOINTS.find((s) => s.name === 'append')!;
    const unused = await send(hub.url, append, token, JSON.stringify({ common: { meta: { actor: 'me' }, type: 7 }, events: [validEvent()] }));
    expect(unused.status).toBe(400);
    expect(JSON.parse(unused.body)).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/common\.meta\.actor/) });
    expect(JSON.parse(unused.body)).toMatchObject({ message: expect.stringMatching(/common\.type/) });
    const unknownField = await send(hub.url, append, token, JSON.stringify({ common: { data: 1 }, events: [validEvent()] }));
    expect(unknownField.status).toBe(400);
    expect(JSON.parse(unknownField.body)).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/common/) });
    expect(await treeFingerprint(hub.root)).toBe(before);
  });

  it('given a batch whose third event has a bad field, then the error names that event and field in the body, and nothing of the batch is written', async () => {
    const before = await treeFingerprint(hub.root);
    const append = JSON_ENDPOINTS.find((s) => s.name === 'append')!;
    const events = [validEvent(), validEvent(), { ...validEvent(), meta: { actor: { user: 'u' } } }, validEvent()];
    const answer = await send(hub.url, append, token, JSON.stringify({ events, expectedRevision: 'any' }));
    expect(answer.status).toBe(400);
    const body = JSON.parse(answer.body) as { code: string; message: string; problems: Array<{ path: string }> };
    expect(body).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^invalid append body events\.2: meta\.actor\.host: /) });
    expect(body.problems.map((p) => p.path)).toEqual(['meta.actor.host']);
    expect(await treeFingerprint(hub.root)).toBe(before);
  });

  it('given an append whose JSON text is Latin-1 (not UTF-8), then it is refused naming the encoding, not stored with the text altered', async () => {
    const before = await treeFingerprint(hub.root);
    const json = JSON.stringify({ events: [{ ...validEvent(), data: { name: 'café' } }], expectedRevision: 'any' });
    const response = await fetch(`${hub.url}/v1/projects/alpha/streams/run-latin1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: Buffer.from(json, 'latin1'),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/request body.*not valid UTF-8/) });
    expect(await treeFingerprint(hub.root)).toBe(before);
    // The same text as UTF-8 is accepted and read back unaltered.
    const store = new HttpEventStore({ url: hub.url, token });
    await store.append('run-latin1', JSON.parse(json).events, { expectedRevision: 'no_stream' });
    const recorded = [];
    for await (const event of store.readStream('run-latin1')) recorded.push(event);
    expect(recorded[0]!.data).toEqual({ name: 'café' });
    await store.close();
    await hub.settled('alpha'); // its anchor lines are written after its answer (D136, D164): the tests after this one compare the tree
  });

  it('given requests its HTTP parser refuses (a broken header line, headers over the limit), then each gets a JSON {code, message} and the connection is closed', async () => {
    const { port } = new URL(hub.url);
    const raw = (request: string): Promise<string> =>
      new Promise((resolveAnswer, reject) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.end(request));
        let answer = '';
        socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
        // The hub answers and closes while the rest of an oversized request is unread, so the
        // close may arrive as a reset (ECONNRESET) after the answer: that is the close asked for.
        socket.on('close', () => resolveAnswer(answer)).on('error', (error) => (answer ? resolveAnswer(answer) : reject(error)));
      });
    const broken = await raw('POST /v1/projects/alpha/streams/run-x HTTP/1.1\r\nHost: x\r\nthis is not a header\r\n\r\n');
    expect(broken).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(broken.slice(broken.indexOf('\r\n\r\n') + 4))).toMatchObject({
      code: 'MALFORMED_REQUEST',
      message: expect.stringMatching(/could not be parsed/),
    });
    const huge = await raw(`GET /v1/projects/alpha/runs HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1\.1 431 /);
    expect(JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'HEADERS_TOO_LARGE' });
  });

  it('given object names and project ids that try to leave the store, then they are refused with 4xx and nothing is written outside', async () => {
    // The project's object area is created on first use; create it before looking.
    expect(
      (
        await send(
          hub.url,
          JSON_ENDPOINTS.find((s) => s.name === 'missing objects')!,
          token,
        )
      ).status,
    ).toBe(200);
    const before = await treeFingerprint(hub.root);
    const escapes = ['..%2F..%2F..%2Fescaped', '..', '%2E%2E%2Fescaped', `${'0'.repeat(62)}%2F..`, '..%5C..%5Cescaped', 'a'.repeat(64)];
    for (const name of escapes) {
      for (const method of ['PUT', 'GET'] as const) {
        const answer = await send(
          hub.url,
          { name, method, path: `/v1/projects/alpha/objects/sha256/${name}`, ...(method === 'PUT' ? { bytes: Buffer.from('x') } : {}) },
          token,
        );
        expect(answer.status, `${method} ${name}`).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
      }
    }
    for (const project of ['..', '%2E%2E', '..%2Fbeta', 'alpha%2F..%2F..', '.hidden']) {
      const answer = await send(hub.url, { name: project, method: 'GET', path: `/v1/projects/${project}/events` }, token);
      expect(answer.status, project).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
    }
    expect(existsSync(join(dirname(hub.root), 'escaped'))).toBe(false);
    expect(await treeFingerprint(hub.root)).toBe(before);
  });

  it('given a body over the size limit, then 413 and nothing is written', async () => {
    const before = await treeFingerprint(hub.root);
    const append = JSON_ENDPOINTS.find((s) => s.name === 'append')!;
    const answer = await send(hub.url, append, token, JSON.stringify({ events: [{ ...validEvent(), data: 'x'.repeat(33 * 1024 * 1024) }] }));
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).code).toBeTypeOf('string');
    expect(await treeFingerprint(hub.root)).toBe(before);
  });
});

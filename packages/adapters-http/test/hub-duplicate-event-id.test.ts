import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuplicateEventIdError, type NewEvent } from '@dotscience/core';
import { HttpEventStore, HubRequestError, hubPaths } from '../src/index.js';
import { errorResponse } from '../src/server/http-errors.js';
import { startHub, type RunningHub } from './hub-fixture.js';
import { validEvent } from './hub-requests.js';

describe('a duplicate event id over the hub', () => {
  let hub: RunningHub;
  let token: string;
  beforeEach(async () => {
    hub = await startHub({ admitAnyEvent: true }); // probe events, not domain events: the store contract over HTTP
    token = await hub.token('dup');
  });
  afterEach(async () => {
    await hub.cleanup();
  });

  it('given an id recorded in one stream, when an append to another repeats it, then the hub answers 409 JSON naming the id, the event and where it is recorded, and writes nothing', async () => {
    const recorded = validEvent();
    const post = (stream: string, events: unknown[]) =>
      fetch(hub.url + hubPaths.stream('dup', stream), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events, expectedRevision: 'any' }),
      });
    expect((await post('run-a', [validEvent(), recorded])).status).toBe(200);

    const answer = await post('run-b', [validEvent(), recorded]);
    expect(answer.status).toBe(409);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await answer.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ code: 'DUPLICATE_EVENT_ID', id: recorded.id, stream: 'run-b', index: 1, existing: { stream: 'run-a', revision: 1 } });
    expect(body.message).toMatch(/already recorded in stream run-a at revision 1 — nothing was written/);

    const client = new HttpEventStore({ url: hub.url, token });
    try {
      const read: string[] = [];
      for await (const e of client.readAll()) read.push(e.stream);
      expect(read).toEqual(['run-a', 'run-a']);
    } finally {
      await client.close();
    }
  });

  it('given the hub refuses a repeated id, when the client appended, then it throws core DuplicateEventIdError with the same details', async () => {
    const client = new HttpEventStore({ url: hub.url, token });
    try {
      const repeated = validEvent() as unknown as NewEvent;
      const error = await client.append('run-c', [repeated, validEvent() as unknown as NewEvent, repeated]).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(DuplicateEventIdError);
      const e = error as DuplicateEventIdError;
      expect({ code: e.code, id: e.id, stream: e.stream, index: e.index, existing: e.existing }).toEqual({
        code: 'DUPLICATE_EVENT_ID',
        id: repeated.id,
        stream: 'run-c',
        index: 2,
        existing: { appendIndex: 0 },
      });
    } finally {
      await client.close();
    }
  });

  it('given a DuplicateEventIdError that cannot say where the id is, when answered, then the body leaves out existing', () => {
    const { status, body } = errorResponse(new DuplicateEventIdError('00000000-0000-4000-8000-000000000001', 'run-x', 3, undefined));
    expect(status).toBe(409);
    expect(body).toEqual({
      code: 'DUPLICATE_EVENT_ID',
      message: expect.stringContaining('which the store already holds'),
      id: '00000000-0000-4000-8000-000000000001',
      stream: 'run-x',
      index: 3,
    });
  });
});

describe('a DUPLICATE_EVENT_ID answer without its details', () => {
  let server: Server;
  let url: string;
  beforeEach(async () => {
    // A server on loopback answering every request as a hub would refuse it, but without the id and index.
    server = createServer((_, res) => {
      res.writeHead(409, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'DUPLICATE_EVENT_ID', message: 'an id is recorded twice' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('given a body the client cannot rebuild the error from, when the append is refused, then it throws a HubRequestError with the code and message', async () => {
    const client = new HttpEventStore({ url, token: 'dst_0123456789abcdef_' + 'a'.repeat(43) });
    try {
      const error = await client.append('run-d', [validEvent() as unknown as NewEvent]).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(HubRequestError);
      expect(error).toMatchObject({ code: 'DUPLICATE_EVENT_ID', status: 409 });
      expect((error as Error).message).toMatch(/an id is recorded twice/);
    } finally {
      await client.close();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@dotscience/core';
import { describe, expect, it } from 'vitest';
import { HttpEventStore, TokenRegistry } from '../src/index.js';
import { hubOver } from './hub-fixture.js';

const events = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({ id: randomUUID(), type: 'Probe', schemaVersion: 1, data: { tag, i }, meta: {} }));

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('HttpEventStore.subscribe across a hub restart', () => {
  it('given a live subscription, when the hub restarts on the same address, then it resumes after the last position: every event once, in order', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ds-hub-sse-'));
    const token = (await TokenRegistry.inDirectory(root).create('p', 'write')).token;
    let server = hubOver(root, { admitAnyEvent: true });
    const url = await server.listen(0);
    const port = Number(new URL(url).port);
    const store = new HttpEventStore({ url, token });
    const received: RecordedEvent[] = [];
    const subscription = store.subscribe().subscribe({ next: (e) => received.push(e) });
    try {
      await store.append('run-a', events(3, 'before'), { expectedRevision: 'no_stream' });
      await until(() => received.length === 3);

      await server.close();
      server = hubOver(root, { admitAnyEvent: true });
      await server.listen(port);
      await store.append('run-a', events(2, 'after'), { expectedRevision: 2 });
      await until(() => received.length >= 5);
      await new Promise((r) => setTimeout(r, 100));

      const log: RecordedEvent[] = [];
      for await (const e of store.readAll()) log.push(e);
      expect(received.map((e) => e.id)).toEqual(log.map((e) => e.id));
      expect(received.map((e) => e.position)).toEqual([...received.map((e) => e.position)].sort((a, b) => a - b));
    } finally {
      subscription.unsubscribe();
      await store.close();
      await server.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('given Last-Event-ID, when a raw SSE client reconnects, then the hub sends only later events', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ds-hub-sse-'));
    const token = (await TokenRegistry.inDirectory(root).create('p', 'read')).token;
    const writer = (await TokenRegistry.inDirectory(root).create('p', 'write')).token;
    const server = hubOver(root, { admitAnyEvent: true });
    const url = await server.listen(0);
    const store = new HttpEventStore({ url, token: writer });
    try {
      const appended = await store.append('run-b', events(4, 'x'), { expectedRevision: 'no_stream' });
      const abort = new AbortController();
      const response = await fetch(`${url}/v1/projects/p/events/subscribe`, {
        headers: { authorization: `Bearer ${token}`, 'last-event-id': String(appended.events[1]!.position) },
        signal: abort.signal,
      });
      expect(response.headers.get('content-type')).toContain('text/event-stream');
      let text = '';
      const reader = response.body!.getReader();
      while ((text.match(/^id: /gm) ?? []).length < 2) text += new TextDecoder().decode((await reader.read()).value);
      abort.abort();
      const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
      expect(ids).toEqual(appended.events.slice(2).map((e) => e.position));
    } finally {
      await store.close();
      await server.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});

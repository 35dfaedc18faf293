import { join } from 'node:path';
import { FsEventStore } from '@dotscience/adapters-fs';
import { describe, expect, it } from 'vitest';
import { DotscienceClient, RunOpenError, StoreNotOwnedError, defaultClient, openDotscience, setDefaultClient } from '../../src/index.js';
import * as ds from '../../src/index.js';
import { metricPoints, useWorkspace } from './client-fixture.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the store lease: one writer process at a time', () => {
  const ws = useWorkspace();

  it('given a published run and no open one, when another writer opens the store, then it gets the lock (the client released it)', async () => {
    const client = ws.client({ keepStoreOpenMs: 0 });
    client.parameter('a', 1);
    await client.publish();
    const other = await FsEventStore.open(join(ws.dir, '.dotscience', 'events'));
    await other.close();
  });

  it('given a sweep, when a run is published, then the stores stay open for the next run (same writer lock) and are released keepStoreOpenMs later', async () => {
    const client = ws.client({ keepStoreOpenMs: 300 });
    const events = join(ws.dir, '.dotscience', 'events');
    client.parameter('a', 1);
    await client.publish();
    await expect(FsEventStore.open(events)).rejects.toMatchObject({ code: 'WRITER_LOCKED' });
    client.parameter('a', 2);
    const second = await client.publish();
    expect(await ws.runTypes(second.runId)).toEqual(['RunStarted', 'ParameterRecorded', 'RunPublished']);
    const other = await FsEventStore.open(events, { lock: { wait: true, timeoutMs: 10_000 } });
    await other.close();
  });

  it('given another writer holds the lock, when the client needs the store, then stderr names the holder, the client waits and writes once it is released', async () => {
    const holder = await FsEventStore.open(join(ws.dir, '.dotscience', 'events'));
    const client = ws.client();
    client.parameter('a', 1);
    const publishing = client.publish();
    await sleep(150);
    expect(ws.notices.some((n) => n.startsWith(`dotscience: waiting for the event store lock held by process ${process.pid}`))).toBe(true);
    await holder.close();
    const published = await publishing;
    expect(ws.notices).toContain(`dotscience: got the event store lock (process ${process.pid} released it)`);
    expect(await ws.runTypes(published.runId)).toEqual(['RunStarted', 'ParameterRecorded', 'RunPublished']);
  });

  it('given a client built on an opened Dotscience, when it publishes, then the stores stay open for their owner and connect() is refused', async () => {
    const opened = await openDotscience({ cwd: ws.dir, env: {}, hashWorkers: 1 });
    try {
      const client = new DotscienceClient(opened);
      client.label('k', 'v');
      const published = await client.publish();
      let count = 0;
      for await (const e of opened.events.readStream(`run-${published.runId}`)) if (e.type) count++;
      expect(count).toBe(3);
      await expect(client.connect('https://hub.example.com', 't0k3n')).rejects.toThrow(StoreNotOwnedError);
    } finally {
      await opened.close();
    }
  });

  it('given connect(hub, token), when the URL is bad it is refused; with a run open it is refused', async () => {
    const client = ws.client();
    await expect(client.connect('not a url', 'x')).rejects.toThrow(/invalid connect: hubUrl/);
    const other = ws.client();
    other.start();
    await expect(other.connect('https://hub.example.com', 't0k3n')).rejects.toThrow(RunOpenError);
    await other.publish();
  });
});

describe('metric(): buffered, written in batches', () => {
  const ws = useWorkspace();

  it('given fewer points than a batch, when the flush delay passes, then they are written without publish or flush', async () => {
    const client = ws.client({ metricFlushMs: 20 });
    client.start();
    for (let i = 0; i < 5; i++) client.metric('loss', 1 / (i + 1), i);
    let points = metricPoints(await ws.events().catch(() => []));
    for (let waited = 0; points.length < 5 && waited < 5000; waited += 50) {
      await sleep(50);
      points = metricPoints(await ws.events().catch(() => [])); // a reader beside the client's writer lock
    }
    expect(points.map((p) => p.step)).toEqual([0, 1, 2, 3, 4]);
    await client.publish();
  });

  it('given a batch size of 3, when 7 points are recorded around a parameter, then the call order is kept in the stream', async () => {
    const client = ws.client({ metricBatchSize: 3, metricFlushMs: 60_000 });
    client.metric('m', 0, 0);
    client.metric('m', 1, 1);
    client.parameter('p', 'x'); // the two buffered points are queued before the parameter
    for (let i = 2; i < 7; i++) client.metric('m', i, i);
    const published = await client.publish();
    const types = await ws.runTypes(published.runId);
    // a batch is one MetricsRecorded event: [0, 1] flushed before the parameter, then [2, 3, 4] (full) and [5, 6]
    expect(types).toEqual(['RunStarted', 'MetricsRecorded', 'ParameterRecorded', 'MetricsRecorded', 'MetricsRecorded', 'RunPublished']);
    const run = (await ws.events()).filter((e) => e.stream === `run-${published.runId}`);
    expect(metricPoints(run).map((p) => [p.value, p.step])).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => [i, i]));
  });

  it('given JSON metric values, when recorded, then they are kept as JSON; a point records the time of its call', async () => {
    const client = ws.client();
    const before = new Date().toISOString();
    expect(
      client.metric('confusion', [
        [5, 1],
        [0, 4],
      ]),
    ).toEqual([
      [5, 1],
      [0, 4],
    ]);
    const published = await client.publish();
    const [point] = metricPoints(await ws.events());
    expect(point).toMatchObject({
      name: 'confusion',
      value: [
        [5, 1],
        [0, 4],
      ],
    });
    expect(point!.at >= before).toBe(true);
    expect(point!.at <= published.endedAt).toBe(true);
  });
});

describe('module-level functions', () => {
  const ws = useWorkspace();

  it('given a default client, when ds.* functions are called, then they write through it and return their arguments', async () => {
    const previous = defaultClient();
    setDefaultClient(ws.client());
    try {
      expect(ds.parameter('lr', 0.5)).toBe(0.5);
      expect(ds.metric('loss', 0.1, 0)).toBe(0.1);
      expect(ds.label('team', 'nlp')).toBe('nlp');
      expect(ds.summary('f1', 0.7)).toBe(0.7);
      expect(ds.description('via the module')).toBe('via the module');
      const published = await ds.publish();
      expect(await ws.runTypes(published.runId)).toEqual([
        'RunStarted',
        'ParameterRecorded',
        'MetricsRecorded',
        'LabelAdded',
        'SummaryRecorded',
        'RunDescribed',
        'RunPublished',
      ]);
    } finally {
      setDefaultClient(previous);
    }
  });
});

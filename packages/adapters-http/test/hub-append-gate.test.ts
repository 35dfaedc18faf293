import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsEventStore } from '@dotscience/adapters-fs';
import { hubPaths } from '../src/index.js';
import { startHub, type RunningHub } from './hub-fixture.js';
import { AT, event, runStarted } from './run-events.js';

const PROJECT = 'p';

describe('the hub’s append gate and read side (real hub on 127.0.0.1, gate on as ds serve runs it)', () => {
  let hub: RunningHub;
  let token: string;
  const runId = randomUUID();
  const stream = `run-${runId}`;

  const request = async (method: 'GET' | 'POST', path: string, json?: unknown) => {
    const response = await fetch(hub.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
  };
  const append = (events: unknown[], expectedRevision?: number) =>
    request('POST', hubPaths.stream(PROJECT, stream), { events, ...(expectedRevision === undefined ? {} : { expectedRevision }) });
  /** A published run with depth 3: RunStarted, ParameterRecorded, RunPublished sealing the parameter's hash. */
  const publishedRun = async () => {
    const first = await append([runStarted(runId, PROJECT), event('ParameterRecorded', { name: 'depth', value: 3 })]);
    expect(first.status).toBe(200);
    const seal = await append([event('RunPublished', { endedAt: AT, headHash: first.body.events[1].hash })], 1);
    expect(seal.status).toBe(200);
  };
  /** Every read route of the project: the run list, the run, datasets, models, lineage. */
  const readRoutes = () => [
    hubPaths.runs(PROJECT),
    hubPaths.run(PROJECT, runId),
    hubPaths.datasets(PROJECT),
    hubPaths.models(PROJECT),
    hubPaths.lineage(PROJECT, `run:${runId}`),
  ];

  beforeEach(async () => {
    hub = await startHub();
    token = await hub.token(PROJECT, 'write');
  });
  afterEach(() => hub.cleanup());

  it('finding 1: given a started run, when a MetricsRecorded with data {"series":"garbage"} is appended, then it is refused 422 naming the event and the rule, nothing is written, and every read route still answers 200 (across a restart)', async () => {
    expect((await append([runStarted(runId, PROJECT)])).status).toBe(200);
    const poison = event('MetricsRecorded', { series: 'garbage' });
    const refused = await append([poison], 0);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'APPEND_REFUSED', stream, index: 0, id: poison.id, type: 'MetricsRecorded', rule: 'INVALID_EVENT_DATA' });
    expect(refused.body.message).toMatch(/data\.series/);
    expect((await request('GET', hubPaths.stream(PROJECT, stream))).body.events).toHaveLength(1);
    for (const round of ['before', 'after'] as const) {
      if (round === 'after') await hub.restart();
      for (const path of readRoutes()) expect({ path, status: (await request('GET', path)).status }).toEqual({ path, status: 200 });
    }
  });

  it('finding 2: given a published run, when a ParameterRecorded (depth 42) is appended after RunPublished, then it is refused 422 RUN_ALREADY_PUBLISHED and the run keeps depth 3, published, its history verified', async () => {
    await publishedRun();
    const amendment = event('ParameterRecorded', { name: 'depth', value: 42 });
    const refused = await append([amendment], 2);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      code: 'APPEND_REFUSED',
      stream,
      index: 0,
      id: amendment.id,
      type: 'ParameterRecorded',
      rule: 'RUN_ALREADY_PUBLISHED',
    });
    const run = await request('GET', hubPaths.run(PROJECT, runId));
    expect(run.body).toMatchObject({ status: 'published', parameters: { depth: 3 } });
    expect((await request('GET', hubPaths.runHistory(PROJECT, runId))).body).toMatchObject({ verified: true });
  });

  it('given events planted in the hub’s store files past the gate (a poison event, a post-seal parameter), then the read routes answer 200 with the rest and report the skipped event, and the run’s history is not verified, naming the rule', async () => {
    await publishedRun();
    await hub.stop();
    const planted = await FsEventStore.open(join(hub.root, 'events', PROJECT));
    try {
      await planted.append(stream, [event('ParameterRecorded', { name: 'depth', value: 42 })]);
      await planted.append(`run-${randomUUID()}`, [event('MetricsRecorded', { series: 'garbage' })]);
    } finally {
      await planted.close();
    }
    await hub.restart();
    for (const path of readRoutes()) expect({ path, status: (await request('GET', path)).status }).toEqual({ path, status: 200 });
    const runs = await request('GET', hubPaths.runs(PROJECT));
    expect(runs.body.runs.map((r: { runId: string }) => r.runId)).toEqual([runId]);
    expect(runs.body.skipped).toMatchObject({ count: 1, events: [{ type: 'MetricsRecorded', revision: 0, reason: expect.stringMatching(/data\.series/) }] });
    expect((await request('GET', hubPaths.run(PROJECT, runId))).headers.get('x-dotscience-skipped-events')).toBe('1');
    const history = await request('GET', hubPaths.runHistory(PROJECT, runId));
    expect(history.body).toMatchObject({ verified: false, problem: expect.stringMatching(/revision 3 .*breaks rule RUN_ALREADY_PUBLISHED/) });
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubPaths } from '../src/index.js';
import { startHub, type RunningHub } from './hub-fixture.js';

const event = (type: string, data: unknown) => ({ id: randomUUID(), type, schemaVersion: 1, data, meta: {} });

/** A run's RunStarted: under `workloadId` when given (a workload's own run has its own id there). */
const started = (runId: string, second: number, workloadId?: string) =>
  event('RunStarted', {
    runId,
    projectId: 'p',
    mode: 'script',
    workload: { command: ['python3', 'train.py'], ...(workloadId === undefined ? {} : { workloadId }) },
    codeVersion: {},
    environment: { runtime: 'python', os: 'linux', host: 'h', user: 'u' },
    startedAt: `2026-01-01T00:00:0${second}.000Z`,
  });

interface ListedRun {
  runId: string;
  parent: string | null;
}

describe("the hub's runs listing hides workload runs that wrap their program's runs, as ds runs does (real hub on 127.0.0.1)", () => {
  let hub: RunningHub;
  let token: string;
  const wrapping = randomUUID(); // a ds run whose program recorded two runs
  const [first, second] = [randomUUID(), randomUUID()];
  const lone = randomUUID(); // a ds run whose program recorded none: the command's only record
  const plain = randomUUID(); // an SDK run outside any workload
  const get = async (path: string) => {
    const response = await fetch(hub.url + path, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const listed = async (query = ''): Promise<{ runs: ListedRun[]; total: number }> => {
    const { status, body } = await get(`${hubPaths.runs('p')}${query}`);
    expect(status, JSON.stringify(body)).toBe(200);
    return { runs: body['runs'].map((r: ListedRun) => ({ runId: r.runId, parent: r.parent })), total: body['total'] };
  };

  beforeAll(async () => {
    hub = await startHub();
    token = await hub.token('p', 'write');
    const streams: Array<[string, ReturnType<typeof event>]> = [
      [wrapping, started(wrapping, 1, wrapping)],
      [first, started(first, 2, wrapping)],
      [second, started(second, 3, wrapping)],
      [lone, started(lone, 4, lone)],
      [plain, started(plain, 5)],
    ];
    for (const [runId, start] of streams) {
      const response = await fetch(hub.url + hubPaths.stream('p', `run-${runId}`), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ events: [start], expectedRevision: 'no_stream' }),
      });
      expect(response.status).toBe(200);
    }
  });

  afterAll(async () => {
    await hub.cleanup();
  });

  it('given a workload with runs of its program, when runs are listed, then the script runs are listed with their parent and the wrapping workload is not', async () => {
    expect(await listed()).toEqual({
      runs: [
        { runId: plain, parent: null },
        { runId: lone, parent: null },
        { runId: second, parent: wrapping },
        { runId: first, parent: wrapping },
      ],
      total: 4,
    });
  });

  it('given workloads=true, when runs are listed, then the wrapping workload is listed too, and counted', async () => {
    const { runs, total } = await listed('?workloads=true');
    expect(runs.map((r) => r.runId)).toEqual([plain, lone, second, first, wrapping]);
    expect(runs.find((r) => r.runId === wrapping)!.parent).toBeNull();
    expect(total).toBe(5);
    expect((await listed('?workloads=false')).total).toBe(4);
  });

  it('given a filter and a page, then the hidden workload is neither selected nor counted', async () => {
    const onlyTheWorkload = `?filter=${encodeURIComponent(`run_id = '${wrapping}'`)}`;
    expect(await listed(onlyTheWorkload)).toEqual({ runs: [], total: 0 });
    expect(await listed(`${onlyTheWorkload}&workloads=true`)).toEqual({ runs: [{ runId: wrapping, parent: null }], total: 1 });
    expect(await listed('?limit=1&offset=3')).toEqual({ runs: [{ runId: first, parent: wrapping }], total: 4 });
  });

  it('given one run, when it is read, then it has its parent too', async () => {
    expect((await get(hubPaths.run('p', first))).body['parent']).toBe(wrapping);
    expect((await get(hubPaths.run('p', wrapping))).body['parent']).toBeNull();
  });

  it('given a workloads value other than true or false, then it is refused naming the field', async () => {
    const { status, body } = await get(`${hubPaths.runs('p')}?workloads=yes`);
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain('workloads');
  });
});

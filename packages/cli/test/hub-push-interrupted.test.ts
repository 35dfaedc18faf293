import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyChain, type JsonValue, type NewEvent, type RecordedEvent } from '@dotscience/core';
import { openDotscience } from '@dotscience/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_ENTRY, ds } from './fixtures/cli-process.js';
import { startHubProcess, type HubProcess } from './fixtures/hub-process.js';

const STREAMS = 300;
const EVENTS_PER_STREAM = 20;
const AT = '2026-01-01T00:00:00.000Z';

async function collect(events: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

async function segmentBytes(dir: string): Promise<number> {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const name of await fsp.readdir(dir)) if (name.startsWith('segment-')) total += (await fsp.stat(join(dir, name))).size;
  return total;
}

describe('ds push against a hub killed in the middle', () => {
  let root: string;
  let hub: HubProcess | undefined;

  beforeEach(async () => {
    root = await fsp.mkdtemp(join(tmpdir(), 'ds-hub-push-'));
  });
  afterEach(async () => {
    hub?.child.kill('SIGKILL');
    await hub?.exited;
    hub = undefined;
    await fsp.rm(root, { recursive: true, force: true });
  });

  it('given a push interrupted by killing the hub, when pushed again, then the hub has exactly the local events, once each, chain verified, and the data', async () => {
    const project = join(root, 'project');
    const hubDir = join(root, 'hub');
    await fsp.mkdir(join(project, 'data'), { recursive: true });
    expect(ds(['init'], { cwd: project }).code).toBe(0);

    // The local store: many streams (one append each on the hub) and one data version referred to by an event.
    const local = await openDotscience({ cwd: project, env: {}, hashWorkers: 1 });
    await fsp.writeFile(join(project, 'data', 'train.csv'), 'x,y\n1,2\n');
    await fsp.writeFile(join(project, 'data', 'notes.txt'), 'pushed with the events');
    const ref = await local.data.capture(join(project, 'data'));
    for (let s = 0; s < STREAMS; s++) {
      // (A VersionRef's optional fields are typed `| undefined`, which JsonValue has not; captured refs hold none.)
      // Each stream a run the hub's gate admits: started, then metric points (and, in the first, an input declaring the data).
      const runId = `r${s}`;
      const data = (i: number): { type: string; data: JsonValue } =>
        i === 0
          ? {
              type: 'RunStarted',
              data: {
                runId,
                projectId: 'team',
                mode: 'script',
                workload: {},
                codeVersion: {},
                environment: { runtime: 'node', os: 'linux', host: 'h', user: 'u' },
                startedAt: AT,
              },
            }
          : s === 0 && i === 1
            ? { type: 'InputDeclared', data: { path: 'data', dataset: 'data', version: ref as unknown as JsonValue } }
            : { type: 'MetricRecorded', data: { name: 'loss', value: i, step: i, at: AT } };
      const events = Array.from({ length: EVENTS_PER_STREAM }, (_, i): NewEvent => ({ id: randomUUID(), schemaVersion: 1, ...data(i), meta: {} }));
      await local.events.append(`run-${runId}`, events, { expectedRevision: 'no_stream' });
    }
    const source = await collect(local.events.readAll());
    await local.close();

    const token = ds(['token', 'create', '--store', hubDir, '--project', 'team', '--role', 'write'], { cwd: root }).stdout.trim();
    const env = { DOTSCIENCE_TOKEN: token };
    hub = await startHubProcess(hubDir);

    const push = spawn(process.execPath, [CLI_ENTRY, 'push', '--hub', hub.url], {
      cwd: project,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pushErr = '';
    push.stderr!.setEncoding('utf8').on('data', (c: string) => (pushErr += c));
    const pushExit = new Promise<number | null>((r) => push.on('close', r));
    const hubLog = join(hubDir, 'events', 'team');
    let pushEnded = false;
    void pushExit.then(() => (pushEnded = true));
    while ((await segmentBytes(hubLog)) === 0) {
      if (pushEnded) throw new Error(`the push ended before the hub wrote anything (exit ${await pushExit}): ${pushErr}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    hub.child.kill('SIGKILL');
    await hub.exited;
    const partial = await segmentBytes(hubLog);
    expect(await pushExit, `the push should fail once the hub is gone: ${pushErr}`).not.toBe(0);
    expect(pushErr).toMatch(/hub/);

    hub = await startHubProcess(hubDir);
    const onHubStores = await openDotscience({ cwd: root, env: {}, settings: { store: hub.url, data: hub.url, token } });
    const remote = onHubStores.events;
    const before = await collect(remote.readAll());
    expect(before.length, `the kill (${partial} bytes on the hub) must leave the push unfinished`).toBeLessThan(source.length);

    const again = ds(['push', '--hub', hub.url, '--json'], { cwd: project, env });
    expect(again.code, again.stderr).toBe(0);
    const report = JSON.parse(again.stdout) as { eventsCopied: number; eventsPresent: number };
    expect(report.eventsCopied + report.eventsPresent).toBe(source.length);

    const onHub = await collect(remote.readAll());
    expect(onHub).toHaveLength(source.length);
    expect(new Set(onHub.map((e) => e.id)).size).toBe(source.length);
    const key = (e: RecordedEvent): string => `${e.stream}#${e.revision}:${e.id}:${e.hash}`;
    expect(onHub.map(key).sort()).toEqual(source.map(key).sort());
    expect(verifyChain(onHub)).toEqual({ ok: true, streams: new Set(source.map((e) => e.stream)).size, events: source.length });

    const third = ds(['push', '--hub', hub.url, '--json'], { cwd: project, env });
    expect(JSON.parse(third.stdout)).toMatchObject({ eventsCopied: 0, eventsPresent: source.length, objectsCopied: 0 });

    await onHubStores.data.materialize(ref, join(root, 'from-hub'));
    expect(await fsp.readFile(join(root, 'from-hub', 'notes.txt'), 'utf8')).toBe('pushed with the events');
    await onHubStores.close();
  }, 180_000); // 6,000 events and a data directory pushed twice through a real hub process: slow on a loaded 2-core machine
});

import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FsEventStore } from '@dotscience/adapters-fs';
import type { RecordedEvent } from '@dotscience/core';
import { openDotscience } from '../../src/composition-root.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForNode } from '../../../adapters-fs/bench/event-store-node-bundle.mjs';
import { metricPoints } from './client-fixture.js';

const here = dirname(fileURLToPath(import.meta.url));

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run the bundled child in `cwd` with `scenario`; `onStdout` sees its output as it comes. */
function runChild(bundle: string, cwd: string, scenario: string, onStdout?: (text: string, kill: (s: NodeJS.Signals) => void) => void): Promise<ChildResult> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [bundle, scenario], {
      cwd,
      env: { ...process.env, DOTSCIENCE_WORKLOAD_ID: 'wl-test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      onStdout?.(stdout, (s) => child.kill(s));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolveRun({ code, signal, stdout, stderr }));
  });
}

async function storeEvents(dir: string): Promise<RecordedEvent[]> {
  // Opened as a writer: this also proves the child's writer lock was released (or is stale).
  const store = await FsEventStore.open(join(dir, '.dotscience', 'events'));
  try {
    const all: RecordedEvent[] = [];
    for await (const e of store.readAll()) all.push(e);
    return all;
  } finally {
    await store.close();
  }
}

function runTypes(events: RecordedEvent[]): string[] {
  const streams = new Set(events.filter((e) => e.type === 'RunStarted').map((e) => e.stream));
  expect(streams.size).toBe(1);
  return events.filter((e) => streams.has(e.stream)).map((e) => e.type);
}

const errored = (events: RecordedEvent[]) =>
  events.find((e) => e.type === 'RunErrored')?.data as { message: string; detail?: { stack?: string; origin?: string } } | undefined;

describe('a process that ends without publishing leaves its run errored (real child processes)', () => {
  let bundle: string;
  let bundleDir: string;
  const dirs: string[] = [];
  const project = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ds-exit-'));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    bundleDir = await mkdtemp(join(tmpdir(), 'ds-exit-bundle-'));
    bundle = await bundleForNode(join(here, 'exit-child.ts'), bundleDir, 'exit-child.mjs');
  }, 120_000);
  afterAll(async () => {
    await Promise.all([bundleDir, ...dirs].map((d) => rm(d, { recursive: true, force: true })));
  });

  it('given a script that publishes, when it ends, then the run is published with its workload id and script, and exit code 0', async () => {
    const dir = await project();
    const result = await runChild(bundle, dir, 'publish');
    expect(result.code).toBe(0);
    const events = await storeEvents(dir);
    const types = runTypes(events);
    expect(types[0]).toBe('RunStarted');
    expect(types.at(-1)).toBe('RunPublished');
    expect(metricPoints(events)).toHaveLength(1000);
    expect(types).not.toContain('RunErrored');
    expect(events[0]!.data).toMatchObject({ mode: 'script', workload: { workloadId: 'wl-test', script: bundle, cwd: dir } });
  });

  it('given an uncaught exception in a timer, when the process fails, then RunErrored carries message and stack, metrics are flushed, and the process still fails with code 1 and the stack', async () => {
    const dir = await project();
    const result = await runChild(bundle, dir, 'throw');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Error: boom in a timer');
    const events = await storeEvents(dir);
    const types = runTypes(events);
    expect(metricPoints(events)).toHaveLength(1000);
    expect(types.at(-1)).toBe('RunErrored');
    expect(errored(events)).toMatchObject({
      message: 'uncaught exception: boom in a timer',
      detail: { origin: 'uncaughtException', stack: expect.stringContaining('exit-child') },
    });
  });

  it('given an exception thrown at the top level of the module, when the process fails, then the run is errored and the exit code is 1', async () => {
    const dir = await project();
    const result = await runChild(bundle, dir, 'throw-at-top-level');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('TypeError: boom at the top level');
    const events = await storeEvents(dir);
    expect(runTypes(events).at(-1)).toBe('RunErrored');
    expect(errored(events)!.message).toMatch(/boom at the top level/);
  });

  it('given an unhandled promise rejection, when the process fails, then the run is errored and the exit code is 1', async () => {
    const dir = await project();
    const result = await runChild(bundle, dir, 'reject');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('async boom');
    const events = await storeEvents(dir);
    expect(errored(events)).toMatchObject({ message: 'unhandled promise rejection: async boom', detail: { origin: 'unhandledRejection' } });
  });

  it('given a script that ends without publish(), when the event loop empties, then RunErrored "exited without publish" is recorded and the exit code stays 0', async () => {
    const dir = await project();
    const result = await runChild(bundle, dir, 'forget');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/marked errored: exited without publish/);
    const events = await storeEvents(dir);
    const types = runTypes(events);
    expect(metricPoints(events)).toHaveLength(1000);
    expect(types.at(-1)).toBe('RunErrored');
    expect(errored(events)!.message).toMatch(/^exited without publish/);
  });

  it('given SIGTERM with no handler of the program, when it arrives, then the run is errored and the process dies of SIGTERM', async () => {
    const dir = await project();
    let sent = false;
    const result = await runChild(bundle, dir, 'signal', (out, kill) => {
      if (!sent && out.includes('ready')) {
        sent = true;
        kill('SIGTERM');
      }
    });
    expect(result.signal).toBe('SIGTERM');
    const events = await storeEvents(dir);
    expect(errored(events)).toMatchObject({ message: 'interrupted by SIGTERM', detail: { signal: 'SIGTERM' } });
  });

  it('given process.exit(), when it runs, then stderr names the open run, and the next writer to open the store records it errored with the exit code (the stale lock is taken over)', async () => {
    const dir = await project();
    const result = await runChild(bundle, dir, 'exit');
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/dotscience: the process exited \(code 3\) with run \S+ open — process\.exit\(\) lets no asynchronous write finish/);
    // Nothing asynchronous ran after process.exit(): the store alone holds the run as running.
    const before = runTypes(await storeEvents(dir));
    expect(before).not.toContain('RunErrored');
    expect(before).not.toContain('RunPublished');

    await (await openDotscience({ cwd: dir })).close();
    const events = await storeEvents(dir);
    expect(runTypes(events).at(-1)).toBe('RunErrored');
    expect(errored(events)).toMatchObject({
      message: 'the process exited with code 3 before the run was published',
      detail: { exitCode: 3, startRecordedBeforeExit: true },
    });
    expect(metricPoints(events)).toHaveLength(1000);
    expect((await readdir(join(dir, '.dotscience', 'open-runs'))).filter((f) => f.endsWith('.json'))).toEqual([]);
  });

  it('given process.exit() right after start(), before anything was written, when a reader opens the store, then the run is there: started (no code version) and errored with the exit code', async () => {
    const dir = await project();
    const result = await runChild(bundle, dir, 'exit-at-once');
    expect(result.code).toBe(3);

    await (await openDotscience({ cwd: dir, readOnly: true })).close();
    const events = await storeEvents(dir);
    const types = runTypes(events);
    expect(types[0]).toBe('RunStarted');
    expect(types.at(-1)).toBe('RunErrored');
    expect(events.find((e) => e.type === 'RunStarted')!.data).toMatchObject({ workload: { workloadId: 'wl-test', script: bundle, cwd: dir } });
    expect(errored(events)!.message).toBe('the process exited with code 3 before the run was published');
  });

  it('given a sweep killed (SIGKILL) as soon as start() returned for its second run, when the next writer opens the store, then that run is there, started and errored (settled), beside the first one published', async () => {
    const dir = await project();
    const result = await runChild(bundle, dir, 'killed-in-next-run');
    expect(result.signal).toBe('SIGKILL');
    const second = /second (\S+)/.exec(result.stdout)?.[1];
    expect(second).toBeDefined();

    await (await openDotscience({ cwd: dir })).close();
    const events = await storeEvents(dir);
    expect(events.filter((e) => e.type === 'RunPublished')).toHaveLength(1);
    const types = events.filter((e) => e.stream === `run-${second}`).map((e) => e.type);
    expect(types[0]).toBe('RunStarted');
    expect(types).toContain('RunErrored');
    expect(types).not.toContain('RunPublished');
  });

  it('given the program handles uncaught exceptions itself, when one is thrown, then the run is errored and the program decides how the process ends', async () => {
    const dir = await project();
    const result = await runChild(bundle, dir, 'own-handler');
    expect(result.stdout).toContain('program handled: handled by the program');
    expect(result.code).toBe(7);
    expect(errored(await storeEvents(dir))!.message).toBe('uncaught exception: handled by the program');
  });
});

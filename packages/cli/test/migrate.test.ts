import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnnotationSession, type RecordedEvent } from '@dotscience/core';
import { hubTokens, openDotscience, serveHub } from '@dotscience/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ENTRY, ds, dsJson } from './fixtures/cli-process.js';
import { tamperWithRecord } from './fixtures/log-tampering.js';

const RUNS = 40;
const ROUNDS = 50;
const PARAMETERS_PER_APPEND = 5;

/**
 * A project whose store holds just over 10,000 events: RUNS runs recorded side by
 * side, each round appending PARAMETERS_PER_APPEND parameters to every run, so
 * streams interleave in global order (a migration then makes ~2,000 appends).
 */
async function seedInterleavedRuns(): Promise<string> {
  const project = mkdtempSync(join(tmpdir(), 'ds-migrate-'));
  const init = ds(['init'], { cwd: project });
  if (init.code !== 0) throw new Error(`ds init failed: ${init.stderr}`);
  const store = await openDotscience({ cwd: project, env: {}, hashWorkers: 1 });
  try {
    const sessions = Array.from({ length: RUNS }, () => new AnnotationSession(store, { cwd: project, workload: { command: ['node', 'train.js'] } }));
    await Promise.all(sessions.map((s) => s.start()));
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(
        sessions.map((s, run) =>
          s.recordAll(
            'parameters',
            Array.from({ length: PARAMETERS_PER_APPEND }, (_, k) => ({
              kind: 'recordParameter' as const,
              name: `p${round}.${k}`,
              value: run * 1000 + round * 10 + k,
            })),
          ),
        ),
      );
    }
    await Promise.all(sessions.map((s, run) => s.publish(`run ${run}`)));
  } finally {
    await store.close();
  }
  return project;
}

const storeOf = (project: string) => `file:${join(project, '.dotscience')}`;

function exported(project: string): Array<Pick<RecordedEvent, 'id' | 'stream' | 'revision' | 'hash' | 'prevHash' | 'type' | 'data' | 'meta'>> {
  const result = ds(['export'], { cwd: project });
  if (result.code !== 0) throw new Error(`ds export failed: ${result.stderr}`);
  return result.stdout
    .trim()
    .split('\n')
    .map((line) => {
      const { id, stream, revision, hash, prevHash, type, data, meta } = JSON.parse(line) as RecordedEvent;
      return { id, stream, revision, hash, prevHash, type, data, meta };
    });
}

/** What a user sees of a store: its runs, datasets and models projections. */
function projections(project: string) {
  return {
    runs: dsJson<unknown>(['runs'], { cwd: project }),
    datasets: dsJson<unknown>(['datasets'], { cwd: project }),
    models: dsJson<unknown>(['models'], { cwd: project }),
  };
}

/**
 * The bytes of the files under `dir` now, read while a migration writes there: a file listed and
 * gone before its stat (the writer lock's temporary file, renamed into place) counts for nothing.
 */
function directoryBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? directoryBytes(path) : (statSync(path, { throwIfNoEntry: false })?.size ?? 0);
  }
  return total;
}

/** Start `ds migrate` and SIGKILL it once the target's log holds `fraction` of the source's bytes. */
async function migrateKilledMidway(
  from: string,
  to: string,
  targetLog: string,
  sourceBytes: number,
  fraction: number,
  env: Record<string, string> = {},
): Promise<{ killed: boolean; stderr: string }> {
  const child = spawn(process.execPath, [CLI_ENTRY, 'migrate', '--from', from, '--to', to], {
    cwd: tmpdir(),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let killed = false;
  while (child.exitCode === null && child.signalCode === null) {
    if (directoryBytes(targetLog) >= sourceBytes * fraction) {
      killed = child.kill('SIGKILL');
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await exited;
  return { killed, stderr };
}

/** `ds <args>` as a child process that does not block this one (a hub served from this process must answer it). */
function dsConcurrently(args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...args], { cwd: tmpdir(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

interface MigrateJson {
  events: number;
  streams: number;
  imported: number;
  alreadyPresent: number;
  verified: { events: number; streams: number };
}

describe('ds migrate', () => {
  let source: string;
  let scratch: string;
  beforeAll(async () => {
    source = await seedInterleavedRuns();
    scratch = mkdtempSync(join(tmpdir(), 'ds-migrate-targets-'));
  }, 120_000);
  afterAll(() => {
    rmSync(source, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it("given 10k events in an fs store, when a migration to another fs store is killed midway and run again, then the target holds every event with its id, order and hash, its audit passes and every projection equals the source's — and the same holds migrating back", async () => {
    const original = exported(source);
    expect(original.length).toBeGreaterThanOrEqual(10_000);
    const target = join(scratch, 'target');
    const sourceBytes = directoryBytes(join(source, '.dotscience/events'));

    const interrupted = await migrateKilledMidway(storeOf(source), `file:${join(target, '.dotscience')}`, join(target, '.dotscience/events'), sourceBytes, 0.3);
    expect(interrupted.killed, `the migration ended before it could be interrupted: ${interrupted.stderr}`).toBe(true);
    const partial = ds(['export'], { cwd: target });
    expect(partial.code).toBe(0);
    const copiedBefore = partial.stdout.trim().split('\n').length;
    expect(copiedBefore).toBeGreaterThan(0);
    expect(copiedBefore).toBeLessThan(original.length);

    const resumed = dsJson<MigrateJson>(['migrate', '--from', storeOf(source), '--to', `file:${join(target, '.dotscience')}`], { cwd: scratch });
    expect(resumed).toMatchObject({ events: original.length, streams: RUNS + 1, alreadyPresent: copiedBefore, imported: original.length - copiedBefore });
    expect(resumed.verified).toEqual({ events: original.length, streams: RUNS + 1 });

    expect(ds(['audit', 'verify'], { cwd: target }).code).toBe(0);
    expect(exported(target)).toEqual(original);
    expect(projections(target)).toEqual(projections(source));

    const again = dsJson<MigrateJson>(['migrate', '--from', storeOf(source), '--to', `file:${join(target, '.dotscience')}`], { cwd: scratch });
    expect(again).toMatchObject({ imported: 0, alreadyPresent: original.length });

    const back = join(scratch, 'back');
    const text = ds(['migrate', '--from', `file:${join(target, '.dotscience')}`, '--to', `file:${join(back, '.dotscience')}`], { cwd: scratch });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`migrated ${original.length} events of ${RUNS + 1} streams`);
    expect(text.stdout).toContain('every hash chain and run seal verified');
    expect(exported(back)).toEqual(original);
    expect(projections(back)).toEqual(projections(source));
  }, 180_000);

  it("given 10k events in an fs store, when migrated to a hub (killed midway, then again) and from the hub to a new fs store, then ids, order, hashes and every projection equal the source's", async () => {
    const original = exported(source);
    const hubDirectory = join(scratch, 'hub');
    const hub = await serveHub({ store: hubDirectory, port: 0 });
    try {
      const { token } = await (await hubTokens(hubDirectory)).create('team', 'write');
      const env = { DOTSCIENCE_TOKEN: token };
      const sourceBytes = directoryBytes(join(source, '.dotscience/events'));

      const interrupted = await migrateKilledMidway(storeOf(source), hub.url, join(hubDirectory, 'events', 'team'), sourceBytes, 0.3, env);
      expect(interrupted.killed, `the migration ended before it could be interrupted: ${interrupted.stderr}`).toBe(true);
      const resumed = await dsConcurrently(['migrate', '--from', storeOf(source), '--to', hub.url, '--json'], env);
      expect(resumed.code, resumed.stderr).toBe(0);
      const report = JSON.parse(resumed.stdout) as MigrateJson;
      expect(report.alreadyPresent).toBeGreaterThan(0);
      expect(report).toMatchObject({ events: original.length, imported: original.length - report.alreadyPresent });
      expect(report.verified).toEqual({ events: original.length, streams: RUNS + 1 });

      const back = join(scratch, 'from-hub');
      const fromHub = await dsConcurrently(['migrate', '--from', hub.url, '--to', `file:${join(back, '.dotscience')}`, '--json'], env);
      expect(fromHub.code, fromHub.stderr).toBe(0);
      expect(ds(['audit', 'verify'], { cwd: back }).code).toBe(0);
      expect(exported(back)).toEqual(original);
      expect(projections(back)).toEqual(projections(source));
    } finally {
      await hub.close();
    }
  }, 240_000);

  it('given a source store that does not exist, when migrating, then it is refused naming the store and nothing is created', () => {
    const missing = join(scratch, 'missing');
    const target = join(scratch, 'never');
    const result = ds(['migrate', '--from', `file:${join(missing, '.dotscience')}`, '--to', `file:${join(target, '.dotscience')}`], { cwd: scratch });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(missing);
    expect(existsSync(target)).toBe(false);
  });

  it('given a source with an event rewritten in its log, when migrating, then it names the stream and revision and copies nothing', () => {
    const tampered = join(scratch, 'tampered');
    cpSync(source, tampered, { recursive: true });
    const victim = exported(tampered).find((e) => e.type === 'ParameterRecorded' && (e.data as { name: string }).name === 'p7.2')!;
    const value = (victim.data as { value: number }).value;
    expect(tamperWithRecord(join(tampered, '.dotscience/events'), `"value":${value}},"${victim.id}"`, `"value":${value + 1}},"${victim.id}"`)).toBe(true);

    const target = join(scratch, 'from-tampered');
    const result = ds(['migrate', '--from', storeOf(tampered), '--to', `file:${join(target, '.dotscience')}`], { cwd: scratch });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`stream ${victim.stream} revision ${victim.revision}`);
    expect(result.stderr).toContain('[IMPORT_CHAIN_BROKEN]');
    expect(existsSync(target)).toBe(false);
  });
});

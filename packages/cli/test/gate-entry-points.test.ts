import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore, JsonValue } from '@dotscience/core';
import { openDotscience } from '@dotscience/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ds, dsJson } from './fixtures/cli-process.js';
import { startHubProcess, stopHubProcess, type HubProcess } from './fixtures/hub-process.js';
import { seedTwoStagePipeline, type TwoStagePipeline } from './fixtures/two-stage-pipeline.js';

const AT = '2026-01-01T00:00:00.000Z';
const event = (type: string, data: JsonValue) => ({ id: randomUUID(), type, schemaVersion: 1, data, meta: {} });
/** What an old hub (or anyone with the files) could have put in a store: a post-seal parameter, a poison event. */
const amendment = () => event('ParameterRecorded', { name: 'depth', value: 42 });
const poison = () => event('MetricsRecorded', { series: 'garbage' });

/** Append straight to a store, past every gate (the store itself takes any well-formed event). */
async function plant(store: EventStore, stream: string, events: ReturnType<typeof event>[]): Promise<void> {
  await store.append(stream, events, { expectedRevision: 'any' });
}

describe('every entry point keeps the rules: ds audit verify, ds import, ds pull', () => {
  let p: TwoStagePipeline;
  let scratch: string;
  let trainStream: string;
  /** A copy of the pipeline's project with `events` planted in its store. */
  const plantedCopy = async (name: string, planting: Array<[string, ReturnType<typeof event>[]]>): Promise<string> => {
    const copy = join(scratch, name);
    cpSync(p.project, copy, { recursive: true });
    const store = await openDotscience({ cwd: copy, env: {}, hashWorkers: 1 });
    try {
      for (const [stream, events] of planting) await plant(store.events, stream, events);
    } finally {
      await store.close();
    }
    return copy;
  };

  beforeAll(async () => {
    p = await seedTwoStagePipeline();
    scratch = mkdtempSync(join(tmpdir(), 'ds-gate-'));
    trainStream = `run-${p.trainRunId}`;
  });
  afterAll(() => {
    rmSync(p.project, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('given a parameter planted after a published run’s seal (chain intact), when audit verify runs, then it names the stream, the revision and the rule, and exits 1', async () => {
    const copy = await plantedCopy('post-seal', [[trainStream, [amendment()]]]);
    const result = ds(['audit', 'verify'], { cwd: copy });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(
        `^VIOLATION at stream ${trainStream} revision \\d+ \\(position \\d+, rule RUN_ALREADY_PUBLISHED\\): .*ParameterRecorded.*after the run was published`,
      ),
    );
    const report = JSON.parse(ds(['audit', 'verify', '--json'], { cwd: copy }).stdout) as { ok: boolean; violation: { stream: string; rule: string } };
    expect(report).toMatchObject({ ok: false, violation: { stream: trainStream, rule: 'RUN_ALREADY_PUBLISHED' } });
  });

  it('given a version of project exp2 planted on the default project’s stream, when audit verify runs, then it names the stream and the rule VERSION_NAME_MISMATCH (D122)', async () => {
    const ref = { store: 'fs', digest: `sha256:${'a'.repeat(64)}`, kind: 'file', bytes: 1, files: 1 };
    const version = event('DatasetVersionCreated', { name: 'planted', version: 1, ref, bytes: 1, files: 1, producedBy: p.trainRunId, project: 'exp2' });
    const copy = await plantedCopy('wrong-project', [['dataset-planted', [version]]]);
    const result = ds(['audit', 'verify'], { cwd: copy });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^VIOLATION at stream dataset-planted revision 0 \(position \d+, rule VERSION_NAME_MISMATCH\): .*dataset-exp2:planted/);
  });

  it('given an event whose data breaks its schema planted in the log, when audit verify runs, then it names it and exits 1, and ds runs still lists every run', async () => {
    const copy = await plantedCopy('poison', [['run-planted', [poison()]]]);
    const result = ds(['audit', 'verify'], { cwd: copy });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^VIOLATION at stream run-planted revision 0 \(position \d+, rule INVALID_EVENT_DATA\): .*data\.series/);
    const runs = ds(['runs', '--json'], { cwd: copy });
    expect(runs.code, runs.stderr).toBe(0);
    expect((JSON.parse(runs.stdout) as unknown[]).length).toBe(4);
    expect(runs.stderr).toMatch(/^ds: passed over 1 stored event\(s\) .* MetricsRecorded at run-planted revision 0: .*data\.series.*; run ds audit verify\n$/);
  });

  it('given an export holding a post-seal parameter, when imported, then the event is refused naming its line and rule, and nothing is imported', async () => {
    const copy = await plantedCopy('export-source', [[trainStream, [amendment()]]]);
    const file = join(scratch, 'amended.ndjson');
    expect(ds(['export', '--out', file], { cwd: copy }).code).toBe(0);
    const line =
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .findIndex((l) => l.includes('"value":42')) + 1;
    const store = join(scratch, 'import-target');
    const result = ds(['--store', `file:${store}`, 'import', file], { cwd: scratch });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `amended\\.ndjson line ${line}: stream ${trainStream} revision \\d+ breaks rule RUN_ALREADY_PUBLISHED: .*nothing was imported.*\\[IMPORT_REFUSED\\]`,
      ),
    );
    expect(ds(['--store', `file:${store}`, 'export'], { cwd: scratch }).stdout).toBe('');
  });

  it('given a hub holding a poison event and a post-seal parameter planted in its store files, when pulled, then both are left out and named, and the local store keeps working and verifies', async () => {
    const hubDir = join(scratch, 'hub');
    const token = ds(['token', 'create', '--store', hubDir, '--project', 'default', '--role', 'write'], { cwd: scratch }).stdout.trim();
    const env = { DOTSCIENCE_TOKEN: token };
    let hub: HubProcess | undefined = await startHubProcess(hubDir);
    try {
      const push = ds(['push', '--hub', hub.url], { cwd: p.project, env });
      expect(push.code, push.stderr).toBe(0);
      await stopHubProcess(hub);
      hub = undefined;
      // The hub's project log opened as a local store's (a store directory whose events/ is that log).
      const asLocal = join(scratch, 'hub-log-as-local');
      mkdirSync(asLocal);
      symlinkSync(join(hubDir, 'events', 'default'), join(asLocal, 'events'));
      const onHub = await openDotscience({
        cwd: scratch,
        env: {},
        settings: { store: `file:${asLocal}`, data: `file:${join(asLocal, 'data')}` },
        hashWorkers: 1,
      });
      try {
        await plant(onHub.events, trainStream, [amendment()]);
        await plant(onHub.events, 'run-planted', [
          event('RunStarted', {
            runId: 'planted',
            projectId: 'default',
            mode: 'script',
            workload: {},
            codeVersion: {},
            environment: { runtime: 'node', os: 'linux', host: 'h', user: 'u' },
            startedAt: AT,
          }),
          poison(),
        ]);
      } finally {
        await onHub.close();
      }
      hub = await startHubProcess(hubDir);

      const clone = join(scratch, 'clone');
      mkdirSync(clone);
      const pull = ds(['pull', '--hub', hub.url], { cwd: clone, env });
      expect(pull.code).toBe(1);
      expect(pull.stderr).toMatch(new RegExp(`REFUSED stream ${trainStream} revision \\d+ \\(ParameterRecorded \\S+\\) breaks rule RUN_ALREADY_PUBLISHED`));
      expect(pull.stderr).toMatch(/REFUSED stream run-planted revision 1 \(MetricsRecorded \S+\) breaks rule INVALID_EVENT_DATA/);
      const verify = ds(['audit', 'verify'], { cwd: clone });
      expect(verify.code, verify.stdout).toBe(0);
      const runs = dsJson<Array<{ runId: string; parameters: Record<string, JsonValue> }>>(['runs'], { cwd: clone });
      expect(runs.find((r) => r.runId === p.trainRunId)?.parameters).toEqual({ depth: 3 });
      expect(runs.map((r) => r.runId)).toContain('planted');
    } finally {
      await stopHubProcess(hub);
    }
  }, 120_000);
});

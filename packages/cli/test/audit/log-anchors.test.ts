import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnchorReport } from '@dotscience/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ds } from '../fixtures/cli-process.js';
import { editAndRechain, exportedEvents, rewriteLog, type ExportedEvent } from '../fixtures/log-tampering.js';
import { seedTwoStagePipeline, type TwoStagePipeline } from '../fixtures/two-stage-pipeline.js';

interface AuditJson {
  ok: boolean;
  break?: unknown;
  anchors?: AnchorReport;
}

const exported = (project: string): ExportedEvent[] => exportedEvents(project);

describe('ds audit verify holds the log against its anchors', () => {
  let p: TwoStagePipeline;
  let scratch: string;
  let events: ExportedEvent[];
  beforeAll(async () => {
    p = await seedTwoStagePipeline();
    scratch = mkdtempSync(join(tmpdir(), 'ds-anchors-'));
    events = exported(p.project);
  });
  afterAll(() => {
    rmSync(p.project, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  /** A copy of the project whose log an attacker replaced; answers the audit's exit code, text and JSON. */
  function auditAfter(name: string, tamper: (eventsDir: string) => void) {
    const copy = join(scratch, name);
    cpSync(p.project, copy, { recursive: true });
    tamper(join(copy, '.dotscience/events'));
    const text = ds(['audit', 'verify'], { cwd: copy });
    const json = JSON.parse(ds(['audit', 'verify', '--json'], { cwd: copy }).stdout) as AuditJson;
    return { code: text.code, stdout: text.stdout, json };
  }

  it('given the log as written, when audited, then every anchor holds and the head is the log hash over every record', () => {
    const text = ds(['audit', 'verify'], { cwd: p.project });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      new RegExp(`^anchors: ${events.length} of ${events.length} records hold against \\d+ anchor lines; log hash [0-9a-f]{64}$`, 'm'),
    );
    const json = JSON.parse(ds(['audit', 'verify', '--json'], { cwd: p.project }).stdout) as AuditJson;
    expect(json.anchors).toMatchObject({ verifiedRecords: events.length, unanchoredRecords: 0, head: { count: events.length } });
    expect(json.anchors!.break).toBeUndefined();
  });

  it('given a published parameter edited and its run stream re-chained (seal included), when audited, then every stream chain passes but the anchors break and it exits 1', () => {
    const victim = events.find((e) => e.stream === `run-${p.trainRunId}` && e.type === 'ParameterRecorded')!;
    const result = auditAfter('rechained', (dir) =>
      rewriteLog(
        dir,
        editAndRechain(events, victim, (data) => ({ ...(data as object), value: 4 })),
        { dropSnapshot: true },
      ),
    );
    expect(result.json.break).toBeUndefined(); // the per-stream chains and the seal were made anew
    expect(result.code).toBe(1);
    expect(result.json.anchors?.break).toMatchObject({ reason: 'log-hash-mismatch' });
    expect(result.json.anchors!.break!.from).toBeLessThanOrEqual(victim.position);
    expect(result.stdout).toMatch(/^BROKEN anchors at anchors\.log line \d+ \(log-hash-mismatch; positions \d+\.\.\d+\)/m);
  });

  it('given a whole run stream deleted and the positions closed up, when audited, then the anchors break', () => {
    const result = auditAfter('dropped-stream', (dir) =>
      rewriteLog(
        dir,
        events.filter((e) => e.stream !== `run-${p.weakRunId}`),
        { dropSnapshot: true },
      ),
    );
    expect(result.code).toBe(1);
    expect(result.json.break).toBeUndefined();
    expect(result.json.anchors?.break?.reason).toBe('log-hash-mismatch');
  });

  it('given the last records cut off at a record boundary, when audited, then the log is named shorter than its anchors', () => {
    const result = auditAfter('truncated', (dir) => rewriteLog(dir, events.slice(0, -3)));
    expect(result.code).toBe(1);
    expect(result.json.anchors?.break).toMatchObject({ reason: 'log-shorter' });
    expect(result.stdout).toContain(`it holds ${events.length - 3}`);
  });

  it('given the log truncated and the anchors file removed too, when audited, then the stream-index snapshot that recorded the longer log names it', () => {
    const result = auditAfter('truncated-no-anchors', (dir) => {
      rewriteLog(dir, events.slice(0, -3));
      rmSync(join(dir, 'anchors.log'));
    });
    expect(result.code).toBe(1);
    expect(result.json.anchors?.break).toMatchObject({ reason: 'index-snapshot-longer' });
    expect(result.stdout).toContain(`the stream-index snapshot recorded ${events.length} records`);
  });
});

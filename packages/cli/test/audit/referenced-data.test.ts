import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@dotscience/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ds } from '../fixtures/cli-process.js';
import { seedTwoStagePipeline, type TwoStagePipeline } from '../fixtures/two-stage-pipeline.js';

interface AuditJson {
  ok: boolean;
  break?: unknown;
  references: { versionsReferenced: number; missing: Array<{ stream: string; revision: number; digest: string; kind: string }> };
  data?: { objectsChecked: number; corrupt: unknown[] };
}

const objectsOf = (project: string) => join(project, '.dotscience/data/objects/sha256');

describe('ds audit verify checks the data the events refer to', () => {
  let p: TwoStagePipeline;
  let scratch: string;
  beforeAll(async () => {
    p = await seedTwoStagePipeline();
    scratch = mkdtempSync(join(tmpdir(), 'ds-audit-data-'));
  });
  afterAll(() => {
    rmSync(p.project, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('given every data object present, when audit verify runs, then every referenced version is counted present', () => {
    const report = JSON.parse(ds(['audit', 'verify', '--json'], { cwd: p.project }).stdout) as AuditJson;
    expect(report.ok).toBe(true);
    expect(report.references.versionsReferenced).toBeGreaterThanOrEqual(4); // raw, train, test, the model
    expect(report.references.missing).toEqual([]);
  });

  it('given every data object deleted, when audit verify --objects runs, then it names each missing version with the event that refers to it and exits 1', () => {
    const copy = join(scratch, 'no-objects');
    cpSync(p.project, copy, { recursive: true });
    expect(readdirSync(objectsOf(copy)).length).toBeGreaterThan(0);
    rmSync(objectsOf(copy), { recursive: true });

    const text = ds(['audit', 'verify', '--objects'], { cwd: copy });
    expect(text.code).toBe(1);
    const prepInput = ds(['export'], { cwd: copy })
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RecordedEvent)
      .find((e) => e.stream === `run-${p.prepRunId}` && e.type === 'InputDeclared')!;
    const digest = (prepInput.data as { version: { digest: string } }).version.digest;
    expect(text.stdout).toContain(`MISSING file ${digest} referenced by stream run-${p.prepRunId} revision ${prepInput.revision}`);
    expect(text.stdout).not.toMatch(/^ok/);

    const report = JSON.parse(ds(['audit', 'verify', '--objects', '--json'], { cwd: copy }).stdout) as AuditJson;
    expect(report.ok).toBe(false);
    expect(report.references.missing).toHaveLength(report.references.versionsReferenced);
    expect(report.references.missing).toContainEqual(expect.objectContaining({ stream: `run-${p.prepRunId}`, revision: prepInput.revision, digest }));
  });

  it("given only the model's object deleted, when audit verify runs without --objects, then the presence check alone catches it", () => {
    const copy = join(scratch, 'one-gone');
    cpSync(p.project, copy, { recursive: true });
    const events = ds(['export'], { cwd: copy })
      .stdout.trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RecordedEvent);
    const model = events.find((e) => e.type === 'ModelDeclared');
    expect(model).toBeDefined();
    const digest = JSON.stringify(model!.data).match(/sha256:([0-9a-f]{64})/)![1]!;
    rmSync(join(objectsOf(copy), digest.slice(0, 2), digest.slice(2)));

    const result = ds(['audit', 'verify', '--json'], { cwd: copy });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as AuditJson;
    expect(report.references.missing.map((m) => m.digest)).toContain(`sha256:${digest}`);
  });
});

import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunView } from '@dotscience/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ds, dsJson } from './fixtures/cli-process.js';
import { dsRun, freshProject, reportedRuns } from './run/ds-run-process.js';

/**
 * Two runs published by a script written for the original Python library
 * (its metrics are summary strings), started in the same millisecond with ids
 * in the order of their blocks, so newest first is the reverse of id order.
 */
const TRAIN_SCRIPT = `
import datetime
import uuid

import dotscience_protocol as ds

ids = iter([uuid.UUID("00000000-0000-4000-8000-000000000001"), uuid.UUID("ffffffff-ffff-4fff-bfff-ffffffffffff")])
uuid.uuid4 = lambda: next(ids)
same_start = datetime.datetime(2026, 1, 2, 3, 4, 5, 678000)

ds.script()
for depth, accuracy in [(3, 0.61), (5, 0.93)]:
    ds.start()
    ds._default.current.started = same_start
    ds.parameter("depth", depth)
    ds.summary("accuracy", accuracy)
    ds.summary("verdict", "fine")
    ds.label("team", "vision" if depth == 3 else "audio")
    ds.publish("depth %d" % depth)
`;
const FIRST = '00000000-0000-4000-8000-000000000001';
const SECOND = 'ffffffff-ffff-4fff-bfff-ffffffffffff';

type ListedRun = RunView & { parent: string | null };

interface Comparison {
  runs: string[];
  metrics: Array<{ name: string; last: unknown[]; fromSummary: boolean }>;
  summary: Array<{ name: string; values: unknown[]; differs: boolean }>;
  labels: Array<{ name: string; values: unknown[]; differs: boolean }>;
}

describe('ds runs, show and compare on runs recorded from Python run blocks', () => {
  let project: string;
  let trainWorkload: string;
  let plainWorkload: string;
  beforeAll(() => {
    project = freshProject();
    writeFileSync(join(project, 'train_py.py'), TRAIN_SCRIPT);
    const train = dsRun(['python3', 'train_py.py'], project);
    expect(train.code, train.stderr).toBe(0);
    const reported = reportedRuns(train.stderr);
    expect(reported.blockRuns).toEqual([FIRST, SECOND]);
    trainWorkload = reported.workloadId;
    const plain = dsRun(['python3', '-c', 'print("hi")'], project);
    expect(plain.code, plain.stderr).toBe(0);
    plainWorkload = reportedRuns(plain.stderr).workloadId;
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  // finding 4: summary values are metrics where no series exists
  it("given the library's summary values, when ds runs filters on metrics.accuracy, then the summary values are the metric", () => {
    const selected = dsJson<ListedRun[]>(['runs', '--filter', 'metrics.accuracy > 0.8'], { cwd: project });
    expect(selected.map((r) => r.runId)).toEqual([SECOND]);
    expect(selected[0]!.metrics.accuracy).toEqual({ last: 0.93, min: 0.93, max: 0.93, count: 1, lastStep: null, source: 'summary' });
    expect(selected[0]!.summary).toEqual({ accuracy: '0.93', verdict: 'fine' });
    expect(dsJson<ListedRun[]>(['runs', '--filter', "summary.accuracy = '0.61'"], { cwd: project }).map((r) => r.runId)).toEqual([FIRST]);
    const sorted = dsJson<ListedRun[]>(['runs', '--filter', 'metrics.accuracy is not null', '--sort', 'metrics.accuracy'], { cwd: project });
    expect(sorted.map((r) => r.runId)).toEqual([FIRST, SECOND]);
  });

  it('given the runs table, then its METRICS column shows the numeric summary values', () => {
    const result = ds(['runs'], { cwd: project });
    expect(result.code, result.stderr).toBe(0);
    const row = result.stdout.split('\n').find((l) => l.startsWith(SECOND.slice(0, 8)));
    expect(row).toMatch(/depth=5\s+accuracy=0\.93\s+depth 5$/);
  });

  it("given a workload's row, then its exit code is no metric: the METRICS column is empty, and ds show still lists it under summary", () => {
    const result = ds(['runs', '--workloads'], { cwd: project });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain('exitCode');
    const row = result.stdout.split('\n').find((l) => l.startsWith(plainWorkload.slice(0, 8)));
    expect(row).toMatch(/^\S+\s+published\s+\S+ \S+\s+ds run -- python3 -c /);
    const listed = dsJson<ListedRun[]>(['runs', '--workloads'], { cwd: project });
    for (const workloadId of [plainWorkload, trainWorkload]) {
      const workload = listed.find((r) => r.runId === workloadId)!;
      expect(workload.metrics).toEqual({});
      expect(workload.summary).toEqual({ exitCode: 0 });
    }
    expect(ds(['show', plainWorkload], { cwd: project }).stdout).toMatch(/^summary\n\s+NAME\s+VALUE\n\s+exitCode\s+0$/m);
  });

  it('given ds show, then the summary value is listed among the metrics, marked as from the summary, and under summary as recorded', () => {
    const result = ds(['show', SECOND], { cwd: project });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^metrics\n\s+NAME\s+LAST\s+MIN\s+MAX\s+POINTS\n\s+accuracy\s+0\.93\s+0\.93\s+0\.93\s+summary$/m);
    expect(result.stdout).toMatch(/^summary\n\s+NAME\s+VALUE\n\s+accuracy\s+0\.93\n\s+verdict\s+fine$/m);
    expect(result.stdout).toMatch(new RegExp(`^workload run\\s+${trainWorkload}$`, 'm'));
  });

  it('given ds compare, then metrics from summaries, the other summary values and labels sit side by side', () => {
    const comparison = dsJson<Comparison>(['compare', FIRST, SECOND], { cwd: project });
    expect(comparison.metrics).toMatchObject([{ name: 'accuracy', last: [0.61, 0.93], fromSummary: true }]);
    expect(comparison.summary).toEqual([
      { name: 'accuracy', values: ['0.61', '0.93'], differs: true },
      { name: 'verdict', values: ['fine', 'fine'], differs: false },
    ]);
    expect(comparison.labels).toEqual([{ name: 'team', values: ['vision', 'audio'], differs: true }]);
    const text = ds(['compare', FIRST, SECOND], { cwd: project }).stdout;
    expect(text).toMatch(/^\*\s+metrics\.accuracy\s+0\.61\s+0\.93$/m);
    expect(text).not.toMatch(/metrics\.accuracy\.min|summary\.accuracy/); // one point each: last says it all
    expect(text).toMatch(/^\s+summary\.verdict\s+fine\s+fine$/m);
    expect(text).toMatch(/^\*\s+labels\.team\s+vision\s+audio$/m);
  });

  // finding 8: the workload is the parent of the runs its program recorded; ties by position
  it('given two ds run commands, when ds runs lists them, then the script runs are listed with their parent and the wrapping workload is hidden', () => {
    const listed = dsJson<ListedRun[]>(['runs'], { cwd: project });
    expect(listed.map((r) => [r.runId, r.parent])).toEqual([
      [plainWorkload, null], // its program recorded no run: the workload's run is the command's only record
      [SECOND, trainWorkload], // started in the same millisecond as FIRST, after it in the log
      [FIRST, trainWorkload],
    ]);
    expect(ds(['runs'], { cwd: project }).stdout.trimEnd().split('\n')).toHaveLength(4);
  });

  it('given --workloads, then the wrapping workload is listed too, with the runs of its program beneath it', () => {
    const listed = dsJson<ListedRun[]>(['runs', '--workloads'], { cwd: project });
    expect(listed.map((r) => r.runId)).toEqual([plainWorkload, trainWorkload, SECOND, FIRST]); // newest first: the blocks give an earlier start
    expect(listed.find((r) => r.runId === trainWorkload)!.parent).toBeNull();
    const lines = ds(['runs', '--workloads'], { cwd: project }).stdout.trimEnd().split('\n');
    const at = (id: string): number => lines.findIndex((l) => id.startsWith(l.replace(/^└ /, '').split(' ')[0]!));
    expect(lines[at(trainWorkload)]).toMatch(/ds run -- python3 train_py\.py$/);
    expect(at(SECOND)).toBe(at(trainWorkload) + 1);
    expect(at(FIRST)).toBe(at(trainWorkload) + 2);
    expect(lines[at(SECOND)]).toMatch(/^└ ffffffff/);
    expect(lines[at(plainWorkload)]).toMatch(/^[0-9a-f]/);
  });

  // issue 19 finding 7: a bad --sort is reported as the sort
  it('given a bad --sort, when ds runs runs, then the error names the sort and points into it', () => {
    const result = ds(['runs', '--sort', 'metrics.accuracy sideways'], { cwd: project });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const [first, text, caret] = result.stderr.split('\n');
    expect(first).toMatch(/^ds: invalid sort \(QUERY_PARSE\), column 18: expected ',' and another field, ASC, DESC or the end of the sort/);
    expect(text).toBe('  metrics.accuracy sideways');
    expect(caret).toBe(`  ${' '.repeat(17)}^^^^^^^^`);
  });

  // issue 20 finding 8: deep nesting is a parse error, not a crash
  it('given a filter of 2,000 nested parentheses, when ds runs runs, then it is an invalid filter at the first level too deep, not a bug', () => {
    const result = ds(['runs', '--filter', `${'('.repeat(2000)}params.depth = 3${')'.repeat(2000)}`], { cwd: project });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^ds: invalid filter \(QUERY_PARSE\), column 101: the query nests parentheses and NOT more than 100 levels deep/);
    expect(result.stderr).not.toMatch(/bug/);
  });
});

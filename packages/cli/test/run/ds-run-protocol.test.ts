import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { DatasetView, RunView } from '@dotscience/core';
import { describe, expect, it } from 'vitest';
import { ds, dsJson } from '../fixtures/cli-process.js';
import { pathToFileURL } from 'node:url';
import { FIXTURES, SDK_ENTRY, dsRun, freshProject, pollUntil, reportedRuns, runRaw, startDsRun, withoutRunBlocks } from './ds-run-process.js';

const show = (project: string, runId: string) => dsJson<RunView>(['show', runId], { cwd: project });
const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const runsOf = (project: string) => dsJson<RunView[]>(['runs'], { cwd: project });

describe('ds run -- python3 script.py (Dotscience run blocks on stdout)', () => {
  it('records each block of a script-mode program as a run and passes every other byte through untouched', () => {
    // given a project with a directory of raw data and a script that publishes two runs
    const project = freshProject();
    writeFileSync(join(project, 'data/raw/a.csv'), 'x,y\n1,2\n');
    writeFileSync(join(project, 'data/raw/b.csv'), 'x,y\n3,4\n');
    const direct = runRaw('python3', ['several_runs.py'], project);
    expect(direct.code).toBe(0);

    // when it runs through ds run
    const result = dsRun(['python3', 'several_runs.py'], project);

    // then the output is what the program printed without its blocks, byte for byte
    expect(result.code).toBe(0);
    expect(result.stdout.equals(withoutRunBlocks(direct.stdout))).toBe(true);
    expect(result.stdout.toString('utf8')).toContain('preparing ✓ [[not a marker]] [[DOTSCIENCE-RUN\n');
    expect(result.stderr).toContain('done\n');
    const { workloadId, blockRuns } = reportedRuns(result.stderr);
    expect(blockRuns).toHaveLength(2);

    // and each block became a run with what it said
    const [first, second] = blockRuns.map((id) => show(project, id));
    expect(first).toMatchObject({
      mode: 'script',
      status: 'published',
      description: 'first run',
      parameters: { depth: '3', lr: '0.5' },
      summary: { accuracy: '0.91' },
      labels: { team: 'vision' },
      workload: { script: 'several_runs.py', workloadId, cwd: project, command: ['python3', 'several_runs.py'] },
    });
    // (the library expands an input directory into its files when declared, an output directory when published)
    expect(first!.inputs.map((i) => [i.path, i.version.kind])).toEqual([
      ['data/raw/a.csv', 'file'],
      ['data/raw/b.csv', 'file'],
    ]);
    expect(first!.outputs.map((o) => [o.path, o.version.kind])).toEqual([['out/model/weights.txt', 'file']]);
    expect(second).toMatchObject({ status: 'errored', description: 'second run', parameters: { depth: '5' }, error: { message: 'diverged' } });
    expect(second!.inputs.map((i) => [i.path, i.version.kind])).toEqual([['data/raw/a.csv', 'file']]);
    expect(second!.outputs.map((o) => [o.path, o.version.kind])).toEqual([['out/report.txt', 'file']]);
    expect(Date.parse(first!.startedAt)).toBeLessThanOrEqual(Date.parse(first!.endedAt!));

    // and numeric strings still compare as numbers in queries
    const selected = dsJson<RunView[]>(['runs', '--filter', 'params.depth > 4'], { cwd: project });
    expect(selected.map((r) => r.runId)).toEqual([second!.runId]);

    // and the workload is a run of its own with the exit code and the log, the parent its runs name
    const workload = show(project, workloadId);
    expect(workload).toMatchObject({ status: 'published', summary: { exitCode: 0 }, workload: { workloadId, script: 'several_runs.py' } });
    expect(workload.outputs.map((o) => [o.path, o.dataset, o.version.kind, o.version.files])).toEqual([['ds-run:log', `log/${workloadId}`, 'directory', 2]]);
    expect([first, second].map((r) => r!.workload.workloadId)).toEqual([workloadId, workloadId]);

    // and the log is the workload's record, not a dataset
    const datasets = dsJson<DatasetView[]>(['datasets'], { cwd: project });
    expect(datasets.map((d) => d.name).sort()).toEqual(['data/raw/a.csv', 'data/raw/b.csv', 'out/model/weights.txt', 'out/report.txt']);
  }, 120_000); // the first ds run of python3 in a cold cache asks the interpreter for its packages (issue 25)

  it('records interactive-mode blocks (no workload file) as interactive runs with their labels', () => {
    const project = freshProject();
    const result = dsRun(['python3', 'interactive.py'], project);
    expect(result.code).toBe(0);
    expect(result.stdout.length).toBe(0);
    const [runId] = reportedRuns(result.stderr).blockRuns;
    const run = show(project, runId!);
    expect(run).toMatchObject({ mode: 'interactive', status: 'published', labels: { stage: 'explore' }, parameters: { alpha: '0.1' } });
    expect(run.workload.script).toBeUndefined();
  });

  it('tells a script that chose no mode that it runs as a command: its block is a script-mode run naming the script', () => {
    const project = freshProject();
    const result = dsRun(['python3', 'no_mode.py'], project);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.toString('utf8')).toBe("You have not called ds.start() yet, so I'm doing it for you!\n");
    const run = show(project, reportedRuns(result.stderr).blockRuns[0]!);
    expect(run).toMatchObject({
      mode: 'script',
      status: 'published',
      description: 'no mode chosen',
      parameters: { k: '3' },
      workload: { script: 'no_mode.py' },
    });
  });

  it('reports a malformed and an unterminated block, records them on the workload, still records the good block, and exits 65', () => {
    const project = freshProject();
    const result = dsRun(['python3', 'malformed.py'], project);

    expect(result.code).toBe(65);
    expect(result.stderr).toMatch(/ds run: workload \S+ — exit code 0\n/);
    expect(result.stderr).toMatch(/ds run: exiting with 65: the program exited 0, but a run block it printed could not be recorded/);
    // the refused delimited block is consumed; the unterminated one is passed through as output
    expect(result.stdout.toString('utf8')).toBe('before\nmiddle\n[[DOTSCIENCE-RUN:cut-2]]{"version": "1"');
    expect(result.stderr).toMatch(/ds run: Dotscience run block bad-1 .*not JSON/);
    expect(result.stderr).toMatch(/ds run: Dotscience run block cut-2 .*ended before its closing marker/);
    const { workloadId, blockRuns } = reportedRuns(result.stderr);
    expect(blockRuns).toHaveLength(1);
    expect(show(project, blockRuns[0]!)).toMatchObject({ status: 'published', parameters: { ok: 'yes' }, description: 'the good one' });
    const workload = show(project, workloadId);
    expect(workload.status).toBe('errored');
    expect(workload.error?.message).toMatch(/cut-2/);
  });

  it('records a command that cannot be started as a workload with exit code 127', () => {
    const project = freshProject();
    const result = dsRun(['no-such-program-for-ds-run'], project);
    expect(result.code).toBe(127);
    expect(result.stderr).toMatch(/cannot run no-such-program-for-ds-run/);
    const { workloadId } = reportedRuns(result.stderr);
    expect(show(project, workloadId)).toMatchObject({ status: 'errored', summary: { exitCode: 127 } });
  });
});

describe('ds run records each run block when it is printed (issue 19, finding 1)', () => {
  it('shows a run to ds runs in another process while the program still runs, with its input and output as they were then', async () => {
    // given a script whose second run rewrites the first run's input and output, and that waits for "go" in between
    const project = freshProject();
    writeFileSync(join(project, 'data/x.csv'), 'the input as the first run read it\n');
    const running = startDsRun(['python3', 'streaming.py'], project);

    // when the first run has published, it is in the store while the program still waits
    const seen = await pollUntil(() => runsOf(project).find((r) => r.description === 'first' && r.status === 'published'), running.running);
    const stillRunning = running.running();
    writeFileSync(join(project, 'go'), '');
    const result = await running.exited;
    expect(seen, `the first run was not in ds runs while the program ran; ds run said: ${result.stderr}`).toBeDefined();
    expect(stillRunning).toBe(true);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.toString('utf8')).toBe('go\n');

    // then each run holds the bytes of its own moment
    const { blockRuns } = reportedRuns(result.stderr);
    const [first, second] = blockRuns.map((id) => show(project, id));
    expect(first).toMatchObject({ description: 'first', status: 'published' });
    expect(first!.inputs.map((i) => [i.path, i.version.digest])).toEqual([['data/x.csv', sha256('the input as the first run read it\n')]]);
    expect(first!.outputs.map((o) => [o.path, o.version.digest])).toEqual([['out/preds.csv', sha256('run 1 predictions\n')]]);
    expect(second!.inputs.map((i) => [i.path, i.version.digest])).toEqual([['data/x.csv', sha256('the input, changed after the first run published\n')]]);
    expect(second!.outputs.map((o) => [o.path, o.version.digest])).toEqual([['out/preds.csv', sha256('run 2 predictions, a different length\n')]]);
    expect([...first!.inputs, ...first!.outputs].some((d) => d.changedAfterPublish)).toBe(false);
    expect(result.stderr).not.toMatch(/warning/);
  }, 240_000);

  it('notes changedAfterPublish, with a warning, on an output rewritten before its block could be read (stdout buffered by the user)', () => {
    const project = freshProject();
    const result = dsRun(['python3', 'rewrite_after_publish.py'], project, { PYTHONUNBUFFERED: '' });

    expect(result.code, result.stderr).toBe(0);
    const [firstId, secondId] = reportedRuns(result.stderr).blockRuns;
    const [first, second] = [show(project, firstId!), show(project, secondId!)];
    expect(first).toMatchObject({ description: 'first', status: 'published' });
    const [output] = first.outputs;
    expect(output).toMatchObject({ path: 'out/preds.csv', changedAfterPublish: { publishedAt: first.endedAt } });
    expect(Date.parse(output!.changedAfterPublish!.modifiedAt)).toBeGreaterThan(Date.parse(first.endedAt!));
    expect(result.stderr).toContain(
      `ds run: warning: run ${firstId}: its output out/preds.csv was modified at ${output!.changedAfterPublish!.modifiedAt}, after the run was published`,
    );
    expect(second.outputs[0]!.changedAfterPublish).toBeUndefined();
    expect(ds(['show', firstId!], { cwd: project }).stdout).toMatch(/out\/preds\.csv \(changed after publish, at /);
  });

  it('adds no note to an output written after the run ended but before it was published (end(), then save the model)', () => {
    // given a script that ends its run, then writes its model file, declares it and publishes
    const project = freshProject();

    // when it runs through ds run
    const result = dsRun(['python3', 'end_then_write.py'], project);

    // then the model is recorded as the run's output with no changedAfterPublish note and no warning
    expect(result.code, result.stderr).toBe(0);
    const [runId] = reportedRuns(result.stderr).blockRuns;
    const run = show(project, runId!);
    expect(run).toMatchObject({ description: 'trained', status: 'published' });
    const [output] = run.outputs;
    expect(output).toMatchObject({ path: 'model.txt', version: { digest: sha256('the trained model\n') } });
    expect(output!.changedAfterPublish).toBeUndefined();
    expect(result.stderr).not.toMatch(/warning/);
  });
});

describe('ds run records paths as the library means them and drops no block (issue 19, finding 2)', () => {
  /** A project with data/x.csv and src/paths.py, and two files outside it. */
  function pathsProject(): { project: string; src: string; absolute: string; dotted: string; outsideDir: string } {
    const project = freshProject();
    writeFileSync(join(project, 'data/x.csv'), 'x\n');
    mkdirSync(join(project, 'out'));
    const src = join(project, 'src');
    mkdirSync(src);
    copyFileSync(join(FIXTURES, 'paths.py'), join(src, 'paths.py'));
    const outsideDir = mkdtempSync(join(tmpdir(), 'ds-run-outside-'));
    writeFileSync(join(outsideDir, 'absolute.csv'), 'a\n');
    writeFileSync(join(outsideDir, 'dotted.csv'), 'b\n');
    return { project, src, absolute: join(outsideDir, 'absolute.csv'), dotted: relative(src, join(outsideDir, 'dotted.csv')), outsideDir };
  }

  it('run from src/: ../data inside the project is its dataset, data outside it (absolute or ..) an external dataset named by its absolute path', () => {
    const { project, src, absolute, dotted, outsideDir } = pathsProject();
    expect(dotted.startsWith('../')).toBe(true);

    const result = dsRun(['python3', 'paths.py', absolute, dotted], src);

    expect(result.code, result.stderr).toBe(0);
    const { blockRuns } = reportedRuns(result.stderr);
    expect(blockRuns).toHaveLength(1);
    const run = show(project, blockRuns[0]!);
    expect(run).toMatchObject({ status: 'published', error: null, workload: { script: 'src/paths.py', cwd: src } });
    expect(run.codeVersion.scriptDigest).toMatch(/^sha256:/);
    expect(run.inputs.map((i) => [i.path, i.dataset]).sort()).toEqual(
      [
        ['data/x.csv', 'data/x.csv'],
        [join(outsideDir, 'absolute.csv'), join(outsideDir, 'absolute.csv')],
        [join(outsideDir, 'dotted.csv'), join(outsideDir, 'dotted.csv')],
      ].sort(),
    );
    expect(run.outputs.map((o) => [o.path, o.version.digest])).toEqual([['out/result.txt', sha256('result\n')]]);
  });

  it('with DOTSCIENCE_PROJECT_DOT_ROOT set by the user, the workload file is looked up from that root (not src/src/…)', () => {
    const { project, src, absolute, dotted } = pathsProject();

    const result = dsRun(['python3', 'paths.py', absolute, dotted], src, { DOTSCIENCE_PROJECT_DOT_ROOT: project });

    expect(result.code, result.stderr).toBe(0);
    const run = show(project, reportedRuns(result.stderr).blockRuns[0]!);
    expect(run).toMatchObject({ status: 'published', error: null, workload: { script: 'src/paths.py' } });
    expect(run.codeVersion.scriptDigest).toMatch(/^sha256:/);
    expect(run.inputs.map((i) => i.path)).toContain('data/x.csv');
  });
});

describe("ds run keeps a run's status as its block said (issue 19, finding 3)", () => {
  it("publish then crash: the published run stays published, error() text is its run's error, a missing output is noted, and ds run exits with the code", () => {
    const project = freshProject();
    const result = dsRun(['python3', 'failing.py'], project);

    expect(result.code).toBe(3);
    expect(result.stdout.toString('utf8')).toBe('crashing\n');
    const { workloadId, blockRuns } = reportedRuns(result.stderr);
    const [trained, diverged] = blockRuns.map((id) => show(project, id));
    expect(trained).toMatchObject({ status: 'published', error: null, parameters: { epochs: '10' }, outputs: [] });
    expect(trained!.missing).toEqual([{ path: 'out/never-written.csv', declaredAs: 'output', reason: expect.stringMatching(/does not exist/) }]);
    expect(result.stderr).toContain(`ds run: warning: run ${trained!.runId}: its output out/never-written.csv was recorded as missing`);
    expect(diverged).toMatchObject({ status: 'errored', error: { message: 'diverged: loss is nan' } });
    expect(ds(['show', diverged!.runId], { cwd: project }).stdout).toMatch(/error\s+diverged: loss is nan/);
    expect(show(project, workloadId)).toMatchObject({ status: 'errored', summary: { exitCode: 3 }, error: { message: 'the command exited with code 3' } });
  });
});

describe('ds run shares the store with a program that writes through the SDK', () => {
  it('records a block printed while the program holds the store for its own run, once the program lets go, and both runs are its children', () => {
    // given a Node program that starts an SDK run (taking the store), prints a run block, then publishes its run
    const project = freshProject();
    const block = (id: string) =>
      `[[DOTSCIENCE-RUN:${id}]]${JSON.stringify({ version: '1', parameters: { from: 'block' }, labels: {}, summary: {}, input: [], output: [] }, null, 4)}[[/DOTSCIENCE-RUN:${id}]]`;
    const body = [
      `ds.start();`,
      `ds.parameter('from', 'sdk');`,
      `console.log(${JSON.stringify(block('0b6f3c1e-4a8d-4f5e-9c2b-7d1e0f3a5b6c'))});`,
      `await ds.publish('sdk run');`,
    ].join('\n');
    writeFileSync(join(project, 'mixed.mjs'), `import * as ds from ${JSON.stringify(pathToFileURL(SDK_ENTRY).href)};\n${body}\n`);

    // when it runs through ds run
    const result = dsRun(['node', 'mixed.mjs'], project);

    // then both runs are recorded, published, as children of the workload
    expect(result.code, result.stderr).toBe(0);
    const { workloadId, blockRuns, programRuns } = reportedRuns(result.stderr);
    expect(blockRuns).toEqual(['0b6f3c1e-4a8d-4f5e-9c2b-7d1e0f3a5b6c']);
    expect(programRuns).toHaveLength(1);
    expect(show(project, blockRuns[0]!)).toMatchObject({ status: 'published', parameters: { from: 'block' }, workload: { workloadId } });
    expect(show(project, programRuns[0]!)).toMatchObject({ status: 'published', parameters: { from: 'sdk' }, workload: { workloadId } });
  });
});

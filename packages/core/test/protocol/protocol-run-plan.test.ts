import { describe, expect, it } from 'vitest';
import { runQuery } from '../../src/index.js';
import { decideRunBatch, initialRunState, type RunCommandInput } from '../../src/index.js';
import { parseRunBlock, planProtocolRun, protocolRunCommands, type ProtocolRunPlan } from '../../src/index.js';
import { aRun } from '../query/run-view-builder.js';

const RUN = '0b7c4c2e-9d3e-4a51-8f63-2f4f1a6f8d01';

const plan = (fields: Record<string, unknown>): ProtocolRunPlan => planProtocolRun(RUN, parseRunBlock(JSON.stringify({ version: '1', ...fields })));

const START: RunCommandInput = {
  kind: 'start',
  projectId: 'default',
  mode: 'script',
  workload: { command: ['python3', 'train.py'] },
  codeVersion: {},
  environment: { runtime: 'python 3.11', os: 'linux', host: 'box', user: 'ada' },
  startedAt: '2019-05-17T14:22:33.123Z',
};

describe('planProtocolRun', () => {
  it('given a script-mode block, the plan is a script run with the workload file, ISO times and everything it recorded', () => {
    const p = plan({
      'workload-file': 'train.py',
      start: '20190517T142233.123456',
      end: '20190517T142240.000999',
      description: 'iris tree',
      parameters: { max_depth: '3' },
      summary: { accuracy: '0.953' },
      labels: { owner: 'ada' },
      input: ['data/iris.csv'],
      output: ['model.json'],
    });
    expect(p).toEqual({
      runId: RUN,
      mode: 'script',
      script: 'train.py',
      startedAt: '2019-05-17T14:22:33.123Z',
      endedAt: '2019-05-17T14:22:40.000Z',
      description: 'iris tree',
      parameters: { max_depth: '3' },
      summary: { accuracy: '0.953' },
      labels: { owner: 'ada' },
      inputs: ['data/iris.csv'],
      outputs: ['model.json'],
      models: [],
      metrics: [],
      ignoredKeys: [],
    });
  });

  it('given a block without a workload file, the run is interactive and has no start, end, description or error', () => {
    expect(plan({})).toEqual({
      runId: RUN,
      mode: 'interactive',
      parameters: {},
      summary: {},
      labels: {},
      metrics: [],
      inputs: [],
      outputs: [],
      models: [],
      ignoredKeys: [],
    });
  });

  it('normalizes data paths and lists each once, in block order', () => {
    const p = plan({ input: ['./data//a.csv', 'data/a.csv', 'b/../c.csv', '.'], output: ['out/', 'out'] });
    expect(p.inputs).toEqual(['data/a.csv', 'c.csv', '.']);
    expect(p.outputs).toEqual(['out']);
  });

  it('names the keys it ignores', () => {
    expect(plan({ metrics: {}, 'new-thing': 1 }).ignoredKeys).toEqual(['metrics', 'new-thing']);
  });

  it('reads a model from an artefact:<name> label (later library versions) and keeps the label', () => {
    const artefact = JSON.stringify({ files: { classes: './classes.json', model: 'model/' }, type: 'tensorflow-model', version: '2.0.0' });
    const p = plan({
      labels: {
        'artefact:roadsigns': artefact,
        'artefact:broken': '{not json',
        'artefact:': '{}',
        'artefact:escape': JSON.stringify({ type: 't', files: { model: '../m' } }),
      },
    });
    expect(p.models).toEqual([
      {
        name: 'roadsigns',
        path: 'model',
        framework: 'tensorflow',
        extra: { artefactType: 'tensorflow-model', frameworkVersion: '2.0.0', files: { classes: 'classes.json', model: 'model' } },
      },
      // outside the root, as os.path.relpath prints it: the runner records it as external data
      { name: 'escape', path: '../m', framework: 't', extra: { artefactType: 't', files: { model: '../m' } } },
    ]);
    expect(p.labels['artefact:roadsigns']).toBe(artefact);
  });
});

describe('protocolRunCommands', () => {
  it('lists description, parameters, summaries, labels and the error as run commands, in that order', () => {
    const p = plan({ description: 'd', parameters: { a: '1', b: 'x' }, summary: { acc: '0.9' }, labels: { l: 'v' }, error: 'boom' });
    expect(protocolRunCommands(p)).toEqual([
      { kind: 'describe', description: 'd' },
      { kind: 'recordParameter', name: 'a', value: '1' },
      { kind: 'recordParameter', name: 'b', value: 'x' },
      { kind: 'recordSummary', name: 'acc', value: '0.9' },
      { kind: 'addLabel', name: 'l', value: 'v' },
      { kind: 'error', message: 'boom' },
    ]);
  });

  it('given a started run, the commands decide into events whose values stay the printed strings', () => {
    const json =
      '{"version": "1", "parameters": {"max_depth": "3", "__proto__": "odd"}, "summary": {"accuracy": "0.953"}, "labels": {"team": "ml"}, "error": "late failure"}';
    const p = planProtocolRun(RUN, parseRunBlock(json));
    const { events, state } = decideRunBatch(initialRunState(RUN), [START, ...protocolRunCommands(p)]);
    expect(events.map((e) => e.type)).toEqual(['RunStarted', 'ParameterRecorded', 'ParameterRecorded', 'SummaryRecorded', 'LabelAdded', 'RunErrored']);
    expect(events[1]).toEqual({ type: 'ParameterRecorded', data: { name: 'max_depth', value: '3' } });
    expect(events[2]).toEqual({ type: 'ParameterRecorded', data: { name: '__proto__', value: 'odd' } });
    expect(events[3]).toEqual({ type: 'SummaryRecorded', data: { name: 'accuracy', value: '0.953' } });
    expect(state.errored).toBe(true);
  });

  it('given a version "2" block, its metric points become MetricRecorded events with their steps and times, in order', () => {
    const json = JSON.stringify({
      version: '2',
      parameters: { lr: '0.1' },
      metrics: [
        { name: 'loss', value: 0.9, step: 0, at: '20260102T030405.000000' },
        { name: 'loss', value: 0.4, step: 1, at: '20260102T030406.500000' },
        { name: 'accuracy', value: 0.8, at: '20260102T030407.000000' },
      ],
    });
    const p = planProtocolRun(RUN, parseRunBlock(json));
    expect(p.ignoredKeys).toEqual([]);
    const { events } = decideRunBatch(initialRunState(RUN), [START, ...protocolRunCommands(p)]);
    expect(events.map((e) => e.type)).toEqual(['RunStarted', 'ParameterRecorded', 'MetricRecorded', 'MetricRecorded', 'MetricRecorded']);
    expect(events[3]).toEqual({ type: 'MetricRecorded', data: { name: 'loss', value: 0.4, step: 1, at: '2026-01-02T03:04:06.500Z' } });
    expect(events[4]).toEqual({ type: 'MetricRecorded', data: { name: 'accuracy', value: 0.8, at: '2026-01-02T03:04:07.000Z' } });
  });

  it('numeric strings from a block still compare as numbers in run queries', () => {
    const p = plan({ parameters: { max_depth: '3', model: 'tree' }, summary: { accuracy: '0.953' } });
    const other = plan({ parameters: { max_depth: '10', model: 'tree' }, summary: { accuracy: '0.81' } });
    const runs = [
      aRun({ runId: 'a', parameters: p.parameters, summary: p.summary }),
      aRun({ runId: 'b', parameters: other.parameters, summary: other.summary }),
    ];
    expect(runQuery(runs, 'params.max_depth = 3 and summary.accuracy > 0.9').map((r) => r.runId)).toEqual(['a']);
    expect(runQuery(runs, 'params.max_depth > 5').map((r) => r.runId)).toEqual(['b']);
    expect(runQuery(runs, "params.model = 'tree' order by params.max_depth desc").map((r) => r.runId)).toEqual(['b', 'a']);
  });
});

import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/store-errors.js';
import { MetricStepOrderError, ModelConflictError, ParameterConflictError } from '../../src/index.js';
import { metricsAtPublish } from '../../src/run/run-state.js';
import { given } from '../../src/testing/given-when-then.js';
import { T0, metric, ref, started } from './run-fixtures.js';

describe('parameters are immutable within a run', () => {
  const lr = { type: 'ParameterRecorded', data: { name: 'lr', value: 0.1 } } as const;

  it('a new parameter is recorded', () => {
    given(started).when({ kind: 'recordParameter', name: 'lr', value: 0.1 }).then([lr]);
  });

  it('the same name with the same value records nothing (idempotent)', () => {
    given(started, lr).when({ kind: 'recordParameter', name: 'lr', value: 0.1 }).then([]);
  });

  it('the same JSON value with keys in another order is the same value', () => {
    const layers = { type: 'ParameterRecorded', data: { name: 'net', value: { depth: 3, act: 'relu' } } } as const;
    given(started, layers)
      .when({ kind: 'recordParameter', name: 'net', value: { act: 'relu', depth: 3 } })
      .then([]);
  });

  it('the same name with a different value is a ParameterConflictError naming run, parameter and both values', () => {
    const error = given(started, lr)
      .when({ kind: 'recordParameter', name: 'lr', value: 0.2 })
      .thenThrows(ParameterConflictError, /run test-run: parameter "lr" is already 0\.1 and cannot become 0\.2 — parameters are immutable/);
    expect(error).toMatchObject({ code: 'PARAMETER_CONFLICT', parameter: 'lr', recorded: 0.1, attempted: 0.2 });
  });

  it('a parameter value must be JSON: NaN is refused naming the field', () => {
    given(started)
      .when({ kind: 'recordParameter', name: 'lr', value: Number.NaN })
      .thenThrows(InvalidInputError, /recordParameter command for run test-run: value/);
  });

  it('a parameter name must not be empty', () => {
    given(started)
      .when({ kind: 'recordParameter', name: '', value: 1 })
      .thenThrows(InvalidInputError, /name: must not be empty/);
  });
});

describe('metrics are append-only series', () => {
  it('a point is appended', () => {
    given(started)
      .when({ kind: 'recordMetric', name: 'loss', value: 0.9, step: 0, at: T0 })
      .then([metric('loss', 0.9, 0)]);
  });

  it('a later step is appended', () => {
    given(started, metric('loss', 0.9, 0))
      .when({ kind: 'recordMetric', name: 'loss', value: 0.5, step: 5, at: T0 })
      .then([metric('loss', 0.5, 5)]);
  });

  it('a second point at the last step is appended too: nothing ever rewrites a point', () => {
    const state = given(started, metric('loss', 0.9, 5))
      .when({ kind: 'recordMetric', name: 'loss', value: 0.4, step: 5, at: T0 })
      .then([metric('loss', 0.4, 5)]);
    expect(state.metrics.get('loss')).toEqual({ last: 0.4, lastStep: 5 });
  });

  it('a step lower than the series’ last step is refused, naming the run, metric and steps', () => {
    const error = given(started, metric('loss', 0.9, 5))
      .when({ kind: 'recordMetric', name: 'loss', value: 0.4, step: 4, at: T0 })
      .thenThrows(MetricStepOrderError, /run test-run: metric "loss" is at step 5; step 4 would go back in the series/);
    expect(error.code).toBe('METRIC_STEP_OUT_OF_ORDER');
  });

  it('a point without step does not reset the series’ last step', () => {
    given(started, metric('loss', 0.9, 5), metric('loss', 0.8))
      .when({ kind: 'recordMetric', name: 'loss', value: 0.4, step: 2, at: T0 })
      .thenThrows(MetricStepOrderError, /at step 5; step 2/);
  });

  it('each series has its own steps', () => {
    given(started, metric('loss', 0.9, 5))
      .when({ kind: 'recordMetric', name: 'acc', value: 0.1, step: 0, at: T0 })
      .then([metric('acc', 0.1, 0)]);
  });

  it('a metric value may be JSON, but not an infinite number', () => {
    given(started)
      .when({
        kind: 'recordMetric',
        name: 'cm',
        value: [
          [1, 0],
          [0, 1],
        ],
        at: T0,
      })
      .then([
        {
          type: 'MetricRecorded',
          data: {
            name: 'cm',
            value: [
              [1, 0],
              [0, 1],
            ],
            at: T0,
          },
        },
      ]);
    given(started)
      .when({ kind: 'recordMetric', name: 'loss', value: Number.POSITIVE_INFINITY, at: T0 })
      .thenThrows(InvalidInputError, /recordMetric command for run test-run: value/);
  });

  it('a negative or fractional step is refused naming the field', () => {
    given(started).when({ kind: 'recordMetric', name: 'loss', value: 1, step: -1, at: T0 }).thenThrows(InvalidInputError, /step/);
    given(started).when({ kind: 'recordMetric', name: 'loss', value: 1, step: 1.5, at: T0 }).thenThrows(InvalidInputError, /step/);
  });

  it('the time of a point must be an ISO-8601 UTC timestamp', () => {
    given(started)
      .when({ kind: 'recordMetric', name: 'loss', value: 1, at: 'yesterday' })
      .thenThrows(InvalidInputError, /at: must be an ISO-8601/);
  });
});

describe('summaries, labels and descriptions: the latest value wins, repeats record nothing', () => {
  const acc = { type: 'SummaryRecorded', data: { name: 'acc', value: 0.9 } } as const;
  const team = { type: 'LabelAdded', data: { name: 'team', value: 'vision' } } as const;

  it('summary', () => {
    given(started, acc).when({ kind: 'recordSummary', name: 'acc', value: 0.9 }).then([]);
    given(started, acc)
      .when({ kind: 'recordSummary', name: 'acc', value: 0.95 })
      .then([{ type: 'SummaryRecorded', data: { name: 'acc', value: 0.95 } }]);
  });

  it('label', () => {
    given(started, team).when({ kind: 'addLabel', name: 'team', value: 'vision' }).then([]);
    given(started, team)
      .when({ kind: 'addLabel', name: 'team', value: 'nlp' })
      .then([{ type: 'LabelAdded', data: { name: 'team', value: 'nlp' } }]);
    given(started)
      .when({ kind: 'addLabel', name: 'team', value: 3 as unknown as string })
      .thenThrows(InvalidInputError, /addLabel command for run test-run: value/);
  });

  it('description', () => {
    const described = { type: 'RunDescribed', data: { description: 'first' } } as const;
    given(started, described).when({ kind: 'describe', description: 'first' }).then([]);
    given(started, described)
      .when({ kind: 'describe', description: 'second' })
      .then([{ type: 'RunDescribed', data: { description: 'second' } }]);
  });

  it('metrics at publish: the last point of each series, summaries win on a shared name', () => {
    const { state } = given(started, metric('loss', 0.9, 0), metric('loss', 0.3, 1), metric('acc', 0.5, 1), {
      type: 'SummaryRecorded',
      data: { name: 'acc', value: 0.97 },
    });
    expect(metricsAtPublish(state)).toEqual({ loss: 0.3, acc: 0.97 });
  });
});

describe('inputs, outputs and models', () => {
  const input = { type: 'InputDeclared', data: { path: 'data/a.csv', dataset: 'data/a.csv', version: ref(1) } } as const;

  it('an input is declared with its version; the same version again records nothing', () => {
    given(started)
      .when({ kind: 'declareInput', ...input.data })
      .then([input]);
    given(started, input)
      .when({ kind: 'declareInput', ...input.data })
      .then([]);
  });

  it('the same path read at another version is declared again (the run read both)', () => {
    const state = given(started, input)
      .when({ kind: 'declareInput', ...input.data, version: ref(2) })
      .then([{ type: 'InputDeclared', data: { ...input.data, version: ref(2) } }]);
    expect(state.inputs.get('data/a.csv')).toHaveLength(2);
  });

  it('a version ref must carry a well-formed digest', () => {
    given(started)
      .when({ kind: 'declareInput', ...input.data, version: { ...ref(1), digest: 'md5:1' } })
      .thenThrows(InvalidInputError, /declareInput command for run test-run: version\.digest: must be sha256/);
  });

  it('an output is declared once per path and version', () => {
    const output = { type: 'OutputDeclared', data: { path: 'out', dataset: 'out', version: ref(3) } } as const;
    given(started)
      .when({ kind: 'declareOutput', ...output.data })
      .then([output]);
    given(started, output)
      .when({ kind: 'declareOutput', ...output.data })
      .then([]);
  });

  it('a model is declared once per name: identical again records nothing, different details conflict', () => {
    const model = { type: 'ModelDeclared', data: { name: 'clf', path: 'out/clf.onnx', framework: 'onnx', version: ref(4) } } as const;
    given(started)
      .when({ kind: 'declareModel', ...model.data })
      .then([model]);
    given(started, model)
      .when({ kind: 'declareModel', ...model.data })
      .then([]);
    given(started, model)
      .when({ kind: 'declareModel', ...model.data, path: 'out/other.onnx' })
      .thenThrows(ModelConflictError, /run test-run: model "clf" is already declared with other details \(path out\/clf\.onnx; now path out\/other\.onnx\)/);
  });

  it('undefined optional fields never reach an event payload', () => {
    given(started)
      .when({ kind: 'declareModel', name: 'clf', path: 'm', framework: undefined, version: { ...ref(5), snapshotId: undefined } })
      .then([{ type: 'ModelDeclared', data: { name: 'clf', path: 'm', version: ref(5) } }]);
  });

  it('an error is recorded and flags the run', () => {
    const state = given(started)
      .when({ kind: 'error', message: 'diverged', detail: { epoch: 3 } })
      .then([{ type: 'RunErrored', data: { message: 'diverged', detail: { epoch: 3 } } }]);
    expect(state.errored).toBe(true);
  });

  it('an unknown command kind is refused', () => {
    given(started)
      .when({ kind: 'rewriteHistory' } as never)
      .thenThrows(InvalidInputError, /kind/);
  });
});

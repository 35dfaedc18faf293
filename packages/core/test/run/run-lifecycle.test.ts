import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors/store-errors.js';
import {
  RunAlreadyPublishedError,
  RunAlreadyStartedError,
  RunNotStartedError,
  decideRun,
  evolveRun,
  initialRunState,
  type RunCommandInput,
} from '../../src/index.js';
import { given, TEST_RUN_ID } from '../../src/testing/given-when-then.js';
import { HEAD, T0, T1, metric, published, ref, startCommand, started } from './run-fixtures.js';

/** One valid command of every kind other than start. */
const annotations: RunCommandInput[] = [
  { kind: 'describe', description: 'baseline' },
  { kind: 'declareInput', path: 'data/train.csv', dataset: 'data/train.csv', version: ref(1) },
  { kind: 'declareOutput', path: 'out/model.bin', dataset: 'out/model.bin', version: ref(2) },
  { kind: 'recordParameter', name: 'lr', value: 0.1 },
  { kind: 'recordMetric', name: 'loss', value: 0.5, step: 1, at: T0 },
  { kind: 'recordSummary', name: 'accuracy', value: 0.9 },
  { kind: 'addLabel', name: 'team', value: 'vision' },
  { kind: 'declareModel', name: 'clf', path: 'out/model.bin', framework: 'onnx', version: ref(2) },
  { kind: 'error', message: 'diverged' },
  { kind: 'publish', endedAt: T1, headHash: HEAD },
];

describe('run lifecycle: start', () => {
  it('starting a run records RunStarted with the run id from the state', () => {
    given().when(startCommand).then([started]);
  });

  it('a run is started once', () => {
    given(started)
      .when(startCommand)
      .thenThrows(RunAlreadyStartedError, /run test-run is already started — publish\(\) it/);
  });

  it('a published run cannot be started again', () => {
    given(started, published)
      .when(startCommand)
      .thenThrows(RunAlreadyPublishedError, /run test-run.*start\(\) a new run/);
  });
});

describe('run lifecycle: no annotation before start', () => {
  for (const command of annotations) {
    it(`${command.kind} before start is refused, naming the run and the command`, () => {
      const error = given()
        .when(command)
        .thenThrows(RunNotStartedError, new RegExp(`run test-run: cannot ${command.kind} before the run is started — call start\\(\\) first`));
      expect(error.code).toBe('RUN_NOT_STARTED');
    });
  }
});

describe('run lifecycle: no annotation after publish', () => {
  for (const command of annotations.filter((c) => c.kind !== 'publish')) {
    it(`${command.kind} after publish is refused`, () => {
      const error = given(started, published)
        .when(command)
        .thenThrows(RunAlreadyPublishedError, new RegExp(`run test-run: cannot ${command.kind} after the run was published at ${T1}`));
      expect(error.code).toBe('RUN_ALREADY_PUBLISHED');
    });
  }

  it('publishing twice is refused', () => {
    given(started, published)
      .when({ kind: 'publish', endedAt: T1, headHash: HEAD })
      .thenThrows(RunAlreadyPublishedError, /run test-run was already published at .* a run is published once/);
  });
});

describe('run lifecycle: publish', () => {
  it('publish records RunPublished with the head hash it is given and seals the run', () => {
    const state = given(started, metric('loss', 1, 0))
      .when({ kind: 'publish', endedAt: T1, headHash: HEAD })
      .then([published]);
    expect(state.lifecycle).toBe('published');
    expect(state.publishedAt).toBe(T1);
  });

  it('an errored run may still be published and stays errored', () => {
    const state = given(started, { type: 'RunErrored', data: { message: 'boom' } })
      .when({ kind: 'publish', endedAt: T1, headHash: HEAD })
      .then([published]);
    expect(state.errored).toBe(true);
  });

  it('publish notes the declared paths that held nothing to capture on RunPublished; the run is published, not errored', () => {
    const missing = [{ path: 'out/never.csv', declaredAs: 'output' as const, reason: 'data path out/never.csv does not exist' }];
    const state = given(started)
      .when({ kind: 'publish', endedAt: T1, headHash: HEAD, missing })
      .then([{ type: 'RunPublished', data: { endedAt: T1, headHash: HEAD, missing } }]);
    expect(state.lifecycle).toBe('published');
    expect(state.errored).toBe(false);
  });

  it('publish refuses a missing-data note that is no input or output, naming the field', () => {
    const missing = [{ path: 'x', declaredAs: 'model', reason: 'r' }];
    given(started)
      .when({ kind: 'publish', endedAt: T1, headHash: HEAD, missing } as never)
      .thenThrows(InvalidInputError, /publish command for run test-run: missing\.0\.declaredAs/);
  });

  it('an output declared with a changedAfterPublish note keeps it on OutputDeclared', () => {
    const changedAfterPublish = { modifiedAt: T1, publishedAt: T0 };
    given(started)
      .when({ kind: 'declareOutput', path: 'out/preds.csv', dataset: 'out/preds.csv', version: ref(3), changedAfterPublish })
      .then([{ type: 'OutputDeclared', data: { path: 'out/preds.csv', dataset: 'out/preds.csv', version: ref(3), changedAfterPublish } }]);
  });

  it('publish needs the head hash as 64 hex digits', () => {
    given(started)
      .when({ kind: 'publish', endedAt: T1, headHash: 'nope' })
      .thenThrows(InvalidInputError, /invalid publish command for run test-run: headHash/);
  });
});

describe('run lifecycle: evolve is pure', () => {
  it('evolve leaves the state it was given untouched', () => {
    const before = evolveRun(initialRunState('r'), { ...started, data: { ...started.data, runId: 'r' } } as typeof started);
    const after = evolveRun(before, metric('loss', 1, 3));
    expect(before.metrics.size).toBe(0);
    expect(before.eventCount).toBe(1);
    expect(after.metrics.get('loss')).toEqual({ last: 1, lastStep: 3 });
    expect(after.eventCount).toBe(2);
  });

  it('decide does not change the state or return events for a refused command', () => {
    const state = evolveRun(initialRunState(TEST_RUN_ID), started);
    expect(() => decideRun(state, { kind: 'recordMetric', name: '', value: 1, at: T0 })).toThrow(InvalidInputError);
    expect(state.metrics.size).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { evolveRunAll, initialRunState } from '../../src/index.js';
import { copyOfRunState } from '../../src/run/run-state.js';
import { TEST_RUN_ID } from '../../src/testing/given-when-then.js';
import { HEAD, T1, metric, ref, started } from './run-fixtures.js';

describe("a run state's copy", () => {
  it('given a state with every field set, when copied, then the copy holds every field of it, the same values, and no other', () => {
    const state = evolveRunAll(initialRunState(TEST_RUN_ID), [
      started,
      { type: 'RunDescribed', data: { description: 'baseline' } },
      { type: 'InputDeclared', data: { path: 'data/train.csv', dataset: 'data/train.csv', version: ref(1) } },
      { type: 'OutputDeclared', data: { path: 'out/model.bin', dataset: 'out/model.bin', version: ref(2) } },
      { type: 'ParameterRecorded', data: { name: 'lr', value: 0.1 } },
      metric('loss', 0.5, 1),
      { type: 'SummaryRecorded', data: { name: 'accuracy', value: 0.9 } },
      { type: 'LabelAdded', data: { name: 'team', value: 'vision' } },
      { type: 'ModelDeclared', data: { name: 'clf', path: 'out/model.bin', framework: 'onnx', version: ref(2) } },
      { type: 'RunErrored', data: { message: 'diverged' } },
      { type: 'RunPublished', data: { endedAt: T1, headHash: HEAD } },
    ]);
    const copy = copyOfRunState(state);
    expect(copy).not.toBe(state);
    expect(Object.keys(copy).sort()).toEqual(Object.keys(state).sort());
    expect(Object.keys(copy).sort()).toEqual(Object.keys(initialRunState('r')).sort());
    for (const key of Object.keys(state) as Array<keyof typeof state>) expect(copy[key]).toBe(state[key]);
  });
});

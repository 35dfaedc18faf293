import { describe, expect, it } from 'vitest';
import { compileQuery, type RunView } from '../../src/index.js';
import { aRun, declared, digest, model } from './run-view-builder.js';

const runs: RunView[] = [
  aRun({
    runId: 'train',
    inputs: [declared('data/train.csv', 'iris', 'a')],
    outputs: [declared('models/clf.pkl', 'clf-artifacts', 'b')],
    models: [model('clf', 'models/clf.pkl', 'b')],
  }),
  aRun({
    runId: 'evaluate',
    inputs: [declared('data/test.csv', 'iris-test', 'c'), declared('data/train.csv', 'iris', 'd')],
    outputs: [declared('reports/eval.html', 'reports', 'e')],
  }),
  aRun({ runId: 'explore', models: [model('scratch', 'nb/scratch.pkl')] }),
  aRun({ runId: 'empty' }),
];

const select = (query: string): string[] => runs.filter(compileQuery(query)).map((r) => r.runId);

describe('provenance predicates are existential: true when any declared input / output / model matches', () => {
  it.each([
    ["inputs.path = 'data/train.csv'", ['train', 'evaluate']],
    [`inputs.digest = '${digest('a')}'`, ['train']],
    [`inputs.digest = '${digest('d')}'`, ['evaluate']],
    ["inputs.dataset = 'iris'", ['train', 'evaluate']],
    ["datasets.name = 'iris-test'", ['evaluate']],
    ["inputs.path LIKE 'data/%'", ['train', 'evaluate']],
    ["inputs.path IN ('data/test.csv', 'nope')", ['evaluate']],
    ["outputs.path LIKE 'models/%'", ['train']],
    [`outputs.digest = '${digest('e')}'`, ['evaluate']],
    ["outputs.dataset = 'reports'", ['evaluate']],
    ["models.name = 'clf'", ['train']],
    ["models.framework = 'sklearn'", ['train']],
    [`models.digest = '${digest('b')}'`, ['train']],
    ["inputs.kind = 'FILE'", ['train', 'evaluate']],
    ['inputs.bytes >= 100', ['train', 'evaluate']],
  ])('%s selects %j', (query, expected) => {
    expect(select(query)).toEqual(expected);
  });

  it('given a run with two inputs, then != holds when any one input differs', () => {
    expect(select("inputs.path != 'data/train.csv'")).toEqual(['evaluate']);
  });

  it('NOT negates the whole existential: no input at all has that path', () => {
    expect(select("not inputs.path = 'data/train.csv'")).toEqual(['explore', 'empty']);
    expect(select("not outputs.path like 'models/%' and inputs.path is not null")).toEqual(['evaluate']);
  });

  it('IS NOT NULL: some declared item has the property; IS NULL: none has it', () => {
    expect(select('inputs.path IS NULL')).toEqual(['explore', 'empty']);
    expect(select('outputs.digest IS NOT NULL')).toEqual(['train', 'evaluate']);
    expect(select('models.digest IS NULL')).toEqual(['evaluate', 'explore', 'empty']);
    expect(select('models.name IS NOT NULL')).toEqual(['train', 'explore']);
  });

  it('given provenance mixed with other fields, then each part applies', () => {
    const withParams = runs.map((r) => ({ ...r, parameters: { depth: r.runId === 'evaluate' ? 5 : 3 } }));
    const chosen = withParams.filter(compileQuery("inputs.dataset = 'iris' and params.depth > 4")).map((r) => r.runId);
    expect(chosen).toEqual(['evaluate']);
  });
});

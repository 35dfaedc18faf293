import { describe, expect, it } from 'vitest';
import { datasetNameForPath } from '../../src/application/data-paths.js';
import { normalizeDataPath } from '../../src/index.js';

describe('data paths and default dataset names', () => {
  it.each([
    ['data/train.csv', 'data/train.csv'],
    ['./data//train.csv', 'data/train.csv'],
    ['data/./raw/../train.csv', 'data/train.csv'],
    ['out/', 'out'],
    ['.', '.'],
    ['./', '.'],
    ['../shared/x', '../shared/x'],
    ['a/../../x', '../x'],
    ['/abs//data/', '/abs/data'],
    ['/../x', '/x'],
  ])('%s → %s', (path, normalized) => {
    expect(normalizeDataPath(path)).toBe(normalized);
    expect(datasetNameForPath(path)).toBe(normalized);
  });
});

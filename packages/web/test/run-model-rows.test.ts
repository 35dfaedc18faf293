import type { ModelsState, RunView } from '@dotscience/core';
import { describe, expect, it } from 'vitest';
import { runModelRows } from '../src/run-model-rows.js';

const version = (n: number, producedBy: string, tags: Record<string, string> = {}, description: string | null = null) => ({
  version: n,
  producedBy,
  tags,
  description,
});

describe("the run page's models", () => {
  it("gives each model the run declared the version it produced and that version's aliases, tags and description", () => {
    const run = {
      runId: 'r2',
      models: [
        { name: 'tree', path: 'model.json', framework: 'ml-cart' },
        { name: 'unrecorded', path: 'x.bin' },
      ],
    } as unknown as RunView;
    const models = {
      tree: {
        name: 'tree',
        versions: [version(1, 'r1'), version(2, 'r2', { stage: 'prod' }, 'depth 3'), version(3, 'r3')],
        aliases: { staging: 3, champion: 2, best: 2 },
        description: null,
        history: [],
      },
    } as unknown as ModelsState;
    expect(runModelRows(run, models)).toEqual([
      { name: 'tree', path: 'model.json', framework: 'ml-cart', version: 2, aliases: ['best', 'champion'], tags: { stage: 'prod' }, description: 'depth 3' },
      { name: 'unrecorded', path: 'x.bin', framework: null, version: null, aliases: [], tags: {}, description: null },
    ]);
  });
});

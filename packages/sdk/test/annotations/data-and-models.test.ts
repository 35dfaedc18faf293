import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ofType, useWorkspace } from './client-fixture.js';

describe('inputs, outputs and models', () => {
  const ws = useWorkspace();

  it('given a directory input, when it changes after input() returned, then the version captured at declaration is recorded', async () => {
    mkdirSync('data/raw', { recursive: true });
    writeFileSync('data/raw/a.csv', 'x\n1\n');
    writeFileSync('data/raw/b.csv', 'x\n2\n');
    const ds = ws.client();
    expect(ds.input('./data/raw')).toBe('./data/raw');
    await ds.flush(); // the capture is queued in call order; it has run once the queue is flushed
    writeFileSync('data/raw/b.csv', 'x\nchanged\n');
    ds.addInputs('data/raw/a.csv', 'data/raw/b.csv');
    const published = await ds.publish();

    const declared = ofType(await ws.events(), 'InputDeclared').map((e) => e.data as { path: string; version: { digest: string } });
    expect(declared.map((d) => d.path)).toEqual(['data/raw', 'data/raw/a.csv', 'data/raw/b.csv']);
    expect(published.inputs.map((i) => i.path)).toEqual(['data/raw', 'data/raw/a.csv', 'data/raw/b.csv']);
    // Re-capturing the directory now gives another digest: the recorded one is the content at declaration.
    const again = ws.client();
    again.input('data/raw');
    const later = await again.publish();
    expect(later.inputs[0]!.ref.digest).not.toBe(declared[0]!.version.digest);
  });

  it('given an output declared before it is written, when published, then it is captured at publish and a dataset version produced by the run is recorded', async () => {
    const ds = ws.client();
    expect(ds.output('out/predictions')).toBe('out/predictions');
    mkdirSync('out/predictions', { recursive: true });
    writeFileSync('out/predictions/part-0.csv', 'y\n1\n');
    ds.addOutputs(['out/summary.txt']);
    writeFileSync('out/summary.txt', 'ok\n');
    const published = await ds.publish();
    const events = await ws.events();
    expect(ofType(events, 'OutputDeclared').map((e) => (e.data as { path: string }).path)).toEqual(['out/predictions', 'out/summary.txt']);
    const versions = ofType(events, 'DatasetVersionCreated').map((e) => e.data as { name: string; version: number; producedBy?: string; files: number });
    expect(versions).toEqual([
      expect.objectContaining({ name: 'out/predictions', version: 1, producedBy: published.runId, files: 1 }),
      expect.objectContaining({ name: 'out/summary.txt', version: 1, producedBy: published.runId }),
    ]);
  });

  it('given an output path that does not exist at publish, when published, then publish rejects naming the path and the run stays open', async () => {
    const ds = ws.client();
    ds.output('never-written.csv');
    await expect(ds.publish()).rejects.toThrow(/never-written\.csv does not exist/);
    writeFileSync('never-written.csv', 'now it exists\n');
    const published = await ds.publish();
    expect(published.outputs.map((o) => o.path)).toEqual(['never-written.csv']);
  });

  it('given a model, when the run is published twice over two runs, then each publish captures the files and appends a new model version with the metrics at publish', async () => {
    mkdirSync('models', { recursive: true });
    const ds = ws.client();
    writeFileSync('models/tree.json', '{"depth":3}');
    expect(ds.model('iris-tree', 'models/tree.json', { framework: 'ml-cart', extra: { classes: 'classes.json' } })).toBe('models/tree.json');
    ds.metric('accuracy', 0.9);
    const first = await ds.publish();
    writeFileSync('models/tree.json', '{"depth":4}');
    ds.model('iris-tree', 'models/tree.json', { framework: 'ml-cart' });
    ds.summary('accuracy', 0.95);
    const second = await ds.publish();

    const events = await ws.events();
    expect(ofType(events, 'ModelDeclared')[0]!.data).toMatchObject({
      name: 'iris-tree',
      path: 'models/tree.json',
      framework: 'ml-cart',
      extra: { classes: 'classes.json' },
    });
    const versions = ofType(events, 'ModelVersionCreated').map((e) => e.data as { version: number; producedBy: string; metrics: Record<string, unknown> });
    expect(versions).toEqual([
      expect.objectContaining({ version: 1, producedBy: first.runId, metrics: { accuracy: 0.9 } }),
      expect.objectContaining({ version: 2, producedBy: second.runId, metrics: { accuracy: 0.95 } }),
    ]);
    expect(() => ds.model('iris-tree', 'models/other.json')).not.toThrow(); // a new run (third) may declare it anew
    expect(() => ds.model('iris-tree', 'models/tree.json')).toThrow(/model "iris-tree" is already declared with other details/);
  });
});

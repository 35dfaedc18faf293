import { describe, expect, it } from 'vitest';
import { metricPoints, ofType, useWorkspace } from './client-fixture.js';

describe('annotations return what they are given and record it', () => {
  const ws = useWorkspace();

  it('given a started run, when parameter/summary/label/metric/description/error wrap values, then each returns its argument and records its event', async () => {
    const ds = ws.client();
    ds.start();
    const lr = ds.parameter('lr', 0.01);
    const layers = ds.parameter('layers', [64, 32]);
    const acc = ds.summary('accuracy', 0.93);
    const team = ds.label('team', 'vision');
    const epochs = ds.label('epochs', 10);
    const loss = ds.metric('loss', 0.25, 1);
    const text = ds.description('baseline');
    const failure = new Error('diverged');
    const returnedError = ds.error(failure);
    expect([lr, layers, acc, team, epochs, loss, text, returnedError]).toEqual([0.01, [64, 32], 0.93, 'vision', 10, 0.25, 'baseline', failure]);
    expect(returnedError).toBe(failure);

    const published = await ds.publish();
    const run = (await ws.events()).filter((e) => e.stream === `run-${published.runId}`);
    expect(run.map((e) => e.type)).toEqual([
      'RunStarted',
      'ParameterRecorded',
      'ParameterRecorded',
      'SummaryRecorded',
      'LabelAdded',
      'LabelAdded',
      'MetricsRecorded',
      'RunDescribed',
      'RunErrored',
      'RunPublished',
    ]);
    expect(run.map((e) => e.data).slice(1, 9)).toEqual([
      { name: 'lr', value: 0.01 },
      { name: 'layers', value: [64, 32] },
      { name: 'accuracy', value: 0.93 },
      { name: 'team', value: 'vision' },
      { name: 'epochs', value: '10' },
      {
        series: [{ name: 'loss', values: [0.25], steps: [1], at: { start: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), deltasMs: [0] } }],
      },
      { description: 'baseline' },
      { message: 'diverged', detail: { name: 'Error', stack: expect.stringContaining('diverged') } },
    ]);
  });

  it('given a run, when add* forms take one, [name, value] pairs, flat arguments or an object, then every value is recorded', async () => {
    const ds = ws.client();
    ds.addParameter('a', 1);
    ds.addParameters({ b: 2, c: 'three' });
    ds.addParameters([
      ['d', true],
      ['e', null],
    ]);
    ds.addParameters('f', 6, 'g', { nested: [1] });
    ds.addSummary('s1', 1);
    ds.addSummaries({ s2: 2, s3: 'x' });
    ds.addSummaries('s4', 4);
    ds.addLabel('l1', 'one');
    ds.addLabels({ l2: 'two', l3: false });
    ds.addLabels([['l4', 4]]);
    ds.addMetric('m', 1, 0);
    ds.addMetrics({ loss: 0.5, acc: 0.8 }, 1);
    const published = await ds.publish();
    const events = (await ws.events()).filter((e) => e.stream === `run-${published.runId}`);
    const named = (type: string) =>
      Object.fromEntries(ofType(events, type).map((e) => [(e.data as { name: string }).name, (e.data as { value: unknown }).value]));
    expect(named('ParameterRecorded')).toEqual({ a: 1, b: 2, c: 'three', d: true, e: null, f: 6, g: { nested: [1] } });
    expect(named('SummaryRecorded')).toEqual({ s1: 1, s2: 2, s3: 'x', s4: 4 });
    expect(named('LabelAdded')).toEqual({ l1: 'one', l2: 'two', l3: 'false', l4: '4' });
    expect(metricPoints(events)).toMatchObject([
      { name: 'm', value: 1, step: 0 },
      { name: 'loss', value: 0.5, step: 1 },
      { name: 'acc', value: 0.8, step: 1 },
    ]);
  });

  it('given an odd number of flat arguments or a malformed pair, when add* is called, then it throws InvalidInputError and records nothing', async () => {
    const ds = ws.client();
    ds.start();
    expect(() => ds.addParameters('a', 1, 'b')).toThrow(/invalid parameter arguments: 2: has no value/);
    expect(() => ds.addLabels([['only-name']])).toThrow(/must be a \[name, value\] pair/);
    expect(() => ds.addSummaries({ bad: Number.NaN })).toThrow(/finite number/);
    const published = await ds.publish();
    expect(await ws.runTypes(published.runId)).toEqual(['RunStarted', 'RunPublished']);
  });

  it('given description and error set through their set* forms, when published, then both are recorded', async () => {
    const ds = ws.client();
    ds.setDescription('second try');
    ds.setError('out of memory');
    const published = await ds.publish();
    const events = (await ws.events()).filter((e) => e.stream === `run-${published.runId}`);
    expect(ofType(events, 'RunDescribed')[0]!.data).toEqual({ description: 'second try' });
    expect(ofType(events, 'RunErrored')[0]!.data).toEqual({ message: 'out of memory' });
  });
});

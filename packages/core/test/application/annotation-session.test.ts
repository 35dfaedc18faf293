import { describe, expect, it } from 'vitest';
import { AnnotationSession, ModeConflictError, NoOpenRunError } from '../../src/index.js';
import { type AnnotationSessionOptions } from '../../src/application/annotation-session.js';
import { DataPathNotFoundError } from '../../src/errors/data-errors.js';
import { InvalidInputError } from '../../src/errors/store-errors.js';
import { RunAlreadyPublishedError, RunAlreadyStartedError } from '../../src/index.js';
import { testServices, types } from './run-services-fixture.js';

function session(options: Partial<AnnotationSessionOptions> = {}) {
  const services = testServices();
  const autoStarts: Array<{ runId: string; command: string }> = [];
  const s = new AnnotationSession(services, {
    cwd: '/work/project',
    projectId: 'demo',
    writer: { sdkVersion: '0.1.0' },
    onAutoStart: (runId, command) => autoStarts.push({ runId, command }),
    ...options,
  });
  return { services, session: s, autoStarts };
}

describe('AnnotationSession: starting runs', () => {
  it('start() begins a run with a new id, the code version and environment from the ports', async () => {
    const { services, session: s } = session();
    s.script('train.ts');
    const runId = await s.start();
    const [started] = await services.events.streamEvents(`run-${runId}`);
    expect(started).toMatchObject({
      type: 'RunStarted',
      data: {
        runId,
        projectId: 'demo',
        mode: 'script',
        workload: { script: 'train.ts', cwd: '/work/project' },
        codeVersion: { gitCommit: 'c0ffee', dirty: false, scriptDigest: `sha256:${'1'.repeat(64)}` },
        environment: { runtime: 'node 20', os: 'linux', host: 'box', user: 'ada' },
        startedAt: '2026-02-01T00:00:00.000Z',
      },
      meta: { correlationId: runId, sdkVersion: '0.1.0' },
    });
  });

  it('several start/publish pairs give several runs', async () => {
    const { services, session: s } = session();
    const first = await s.start();
    await s.parameter('lr', 0.1);
    await s.publish();
    const second = await s.start();
    await s.parameter('lr', 0.2);
    await s.publish();
    expect(first).not.toBe(second);
    expect(types(await services.events.streamEvents(`run-${first}`))).toEqual(['RunStarted', 'ParameterRecorded', 'RunPublished']);
    expect(types(await services.events.streamEvents(`run-${second}`))).toEqual(['RunStarted', 'ParameterRecorded', 'RunPublished']);
  });

  it('given data declared by earlier runs, when the next run starts, then its code inspection leaves those paths out', async () => {
    const { services, session: s } = session();
    const excluded: Array<readonly string[] | undefined> = [];
    const inspect = services.code.inspect.bind(services.code);
    services.code.inspect = async (cwd, script, options) => {
      excluded.push(options?.exclude);
      return inspect(cwd, script, options);
    };
    services.data.write('./data/raw.csv', 'x\n');
    services.data.write('out/preds.csv', 'id,p\n');
    services.data.write('models/clf.pkl', 'weights');
    await s.start();
    await s.input('./data/raw.csv');
    await s.output('out/preds.csv');
    await s.model('clf', 'models/clf.pkl');
    await s.publish();
    await s.start();
    expect(excluded).toEqual([[], ['data/raw.csv', 'out/preds.csv', 'models/clf.pkl']]);
  });

  it('start() while a run is open is refused, naming the open run', async () => {
    const { session: s } = session();
    const runId = await s.start();
    await expect(s.start()).rejects.toThrow(RunAlreadyStartedError);
    await expect(s.start()).rejects.toThrow(new RegExp(`run ${runId} is already started`));
  });

  it('an annotation before start() starts a run and reports it', async () => {
    const { services, session: s, autoStarts } = session();
    await s.metric('loss', 0.5, 1);
    const runId = s.currentRun!.runId;
    expect(autoStarts).toEqual([{ runId, command: 'metric' }]);
    expect(types(await services.events.streamEvents(`run-${runId}`))).toEqual(['RunStarted', 'MetricRecorded']);
  });

  it('an annotation after publish() starts the next run and reports it', async () => {
    const { session: s, autoStarts } = session();
    const first = await s.start();
    await s.publish();
    await s.label('team', 'vision');
    expect(autoStarts).toHaveLength(1);
    expect(autoStarts[0]!.runId).not.toBe(first);
    expect(autoStarts[0]!.command).toBe('label');
  });

  it('bad input before start is refused without starting a run', async () => {
    const { services, session: s, autoStarts } = session();
    await expect(s.parameter('', 1)).rejects.toThrow(InvalidInputError);
    await expect(s.metric('loss', Number.NaN)).rejects.toThrow(/recordMetric command for run \(not yet started\): value/);
    await expect(s.output('')).rejects.toThrow(/invalid output: path: must be a path/);
    expect(autoStarts).toEqual([]);
    expect(await services.events.allEvents()).toEqual([]);
  });

  it('concurrent annotations before start start one run, in call order', async () => {
    const { services, session: s, autoStarts } = session();
    await Promise.all([s.parameter('a', 1), s.parameter('b', 2), s.metric('m', 1, 0)]);
    expect(autoStarts).toHaveLength(1);
    expect(types(await services.events.streamEvents(`run-${autoStarts[0]!.runId}`))).toEqual([
      'RunStarted',
      'ParameterRecorded',
      'ParameterRecorded',
      'MetricRecorded',
    ]);
  });
});

describe('AnnotationSession: modes', () => {
  it('interactive() records interactive runs', async () => {
    const { services, session: s } = session({ workload: { notebook: 'explore.ipynb' } });
    s.interactive();
    const runId = await s.start();
    const [started] = await services.events.streamEvents(`run-${runId}`);
    expect(started!.data).toMatchObject({ mode: 'interactive', workload: { notebook: 'explore.ipynb' } });
  });

  it('mixing interactive() and script() is a ModeConflictError', () => {
    const { session: s } = session();
    s.interactive();
    s.interactive();
    expect(() => s.script('train.ts')).toThrow(ModeConflictError);
    expect(() => s.script()).toThrow(/already selected interactive mode; script\(\) cannot switch it/);
    const other = session().session;
    other.script();
    expect(() => other.interactive()).toThrow(ModeConflictError);
    expect(other.mode).toBe('script');
  });
});

describe('AnnotationSession: annotations', () => {
  it('error(message) records RunErrored', async () => {
    const { services, session: s } = session();
    const runId = await s.start();
    await s.error('diverged', { epoch: 3 });
    const events = await services.events.streamEvents(`run-${runId}`);
    expect(events[1]).toMatchObject({ type: 'RunErrored', data: { message: 'diverged', detail: { epoch: 3 } } });
  });

  it('input(path) captures at declare time; the dataset name defaults to the normalized path', async () => {
    const { services, session: s } = session();
    services.data.write('./data//train.csv', 'a,b\n1,2\n');
    const runId = await s.start();
    const ref = await s.input('./data//train.csv');
    expect(services.data.captured).toEqual(['./data//train.csv']);
    const events = await services.events.streamEvents(`run-${runId}`);
    expect(events[1]).toMatchObject({ type: 'InputDeclared', data: { path: 'data/train.csv', dataset: 'data/train.csv', version: ref } });
    await s.input('./data//train.csv', 'training-set');
    expect((await services.events.streamEvents(`run-${runId}`))[2]!.data).toMatchObject({ dataset: 'training-set' });
  });

  it('an input path that does not exist is a DataPathNotFoundError naming it, and nothing is written', async () => {
    const { services, session: s, autoStarts } = session();
    const error = await s.input('data/missing.csv').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataPathNotFoundError);
    expect((error as Error).message).toMatch(/data path data\/missing\.csv does not exist/);
    expect(autoStarts).toEqual([]);
    expect(await services.events.allEvents()).toEqual([]);
  });

  it('publish() with no run open is refused', async () => {
    const { session: s } = session();
    await expect(s.publish()).rejects.toThrow(NoOpenRunError);
  });

  it('publish() twice is refused', async () => {
    const { session: s } = session();
    const runId = await s.start();
    await s.publish();
    await expect(s.publish()).rejects.toThrow(RunAlreadyPublishedError);
    await expect(s.publish()).rejects.toThrow(new RegExp(`run ${runId} was already published`));
  });

  it('publish(description) records the description in the sealing append', async () => {
    const { services, session: s } = session();
    const runId = await s.start();
    await s.publish('baseline');
    expect(types(await services.events.streamEvents(`run-${runId}`))).toEqual(['RunStarted', 'RunDescribed', 'RunPublished']);
  });
});

describe('AnnotationSession: one durable commit per run', () => {
  it('given a run with parameters, metrics, a summary and a label, when it is published, then every append before the seal is deferred and the seal is durable', async () => {
    const { services, session: s } = session();
    await s.start();
    await s.parameter('lr', 0.1);
    await s.recordMetrics([{ name: 'loss', value: 0.5, step: 0 }]);
    await s.summary('accuracy', 0.9);
    await s.label('sweep', 'a');
    await s.publish();
    expect(services.events.durabilities).toEqual([
      { first: 'RunStarted', durability: 'deferred' },
      { first: 'ParameterRecorded', durability: 'deferred' },
      { first: 'MetricsRecorded', durability: 'deferred' },
      { first: 'SummaryRecorded', durability: 'deferred' },
      { first: 'LabelAdded', durability: 'deferred' },
      { first: 'RunPublished', durability: 'durable' },
    ]);
  });

  it('given a run marked errored, then its error is appended durably (nothing seals it later)', async () => {
    const { services, session: s } = session();
    await s.start();
    await s.error('boom');
    expect(services.events.durabilities.at(-1)).toEqual({ first: 'RunErrored', durability: 'durable' });
  });
});

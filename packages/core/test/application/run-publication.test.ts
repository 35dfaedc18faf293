import { describe, expect, it } from 'vitest';
import { AnnotationSession, PublicationPlan, RunRecorder, publishRun } from '../../src/index.js';
import { VersionNotCapturedError } from '../../src/application/session-errors.js';
import { DataPathNotFoundError } from '../../src/errors/data-errors.js';
import { verifyChain } from '../../src/events/hash-chain.js';
import { ModelConflictError } from '../../src/index.js';
import { testServices, types, type TestServices } from './run-services-fixture.js';

function session(services: TestServices = testServices()) {
  return { services, session: new AnnotationSession(services, { cwd: '/p' }) };
}

describe('publish', () => {
  it('writes versions first, then the declarations and RunPublished in one sealing append', async () => {
    const { services, session: s } = session();
    services.data.write('data/raw.csv', 'raw');
    const runId = await s.start();
    await s.input('data/raw.csv');
    await s.output('out/clean.csv');
    await s.model('clf', 'out/clf.onnx', { framework: 'onnx', extra: { layers: 3 } });
    await s.metric('loss', 0.9, 0);
    await s.metric('loss', 0.2, 1);
    await s.summary('accuracy', 0.97);
    // Outputs are written after they are declared: captured at publish.
    services.data.write('out/clean.csv', 'clean');
    services.data.write('out/clf.onnx', 'weights-1');
    const published = await s.publish('first cut');

    const all = await services.events.allEvents();
    const tail = all.slice(-7, -1);
    expect(tail.map((e) => `${e.stream}:${e.type}`)).toEqual([
      'dataset-data/raw.csv:DatasetVersionCreated',
      'dataset-out/clean.csv:DatasetVersionCreated',
      'model-clf:ModelVersionCreated',
      `run-${runId}:RunDescribed`,
      `run-${runId}:OutputDeclared`,
      `run-${runId}:ModelDeclared`,
    ]);
    expect(all.at(-1)!.type).toBe('RunPublished');
    expect(services.events.appends.at(-1)).toEqual({ stream: `run-${runId}`, count: 4 });

    const [input, output, model] = tail;
    expect(input!.data).toMatchObject({ name: 'data/raw.csv', version: 1, path: 'data/raw.csv' });
    expect(input!.data).not.toHaveProperty('producedBy');
    expect(output!.data).toMatchObject({ name: 'out/clean.csv', version: 1, producedBy: runId, bytes: 5, files: 1 });
    expect(model!.data).toMatchObject({
      name: 'clf',
      version: 1,
      producedBy: runId,
      framework: 'onnx',
      metrics: { loss: 0.2, accuracy: 0.97 },
      extra: { layers: 3 },
    });
    expect(all.at(-1)!.data).toEqual({ endedAt: published.endedAt, headHash: all.at(-2)!.hash });
    expect(published.headHash).toBe(all.at(-2)!.hash);
    expect(published.outputs[0]).toMatchObject({ dataset: 'out/clean.csv', version: 1, created: true });
    expect(verifyChain(all)).toMatchObject({ ok: true });
  });

  it('an output path that does not exist at publish is a DataPathNotFoundError naming it; nothing is written', async () => {
    const { services, session: s } = session();
    const runId = await s.start();
    await s.output('out/never-written.bin');
    const before = (await services.events.allEvents()).length;
    await expect(s.publish()).rejects.toThrow(DataPathNotFoundError);
    await expect(s.publish()).rejects.toThrow(/data path out\/never-written\.bin does not exist/);
    expect((await services.events.allEvents()).length).toBe(before);
    expect(s.currentRun!.state.lifecycle).toBe('running');
    services.data.write('out/never-written.bin', 'now it is');
    await s.publish();
    expect(types(await services.events.streamEvents(`run-${runId}`))).toEqual(['RunStarted', 'OutputDeclared', 'RunPublished']);
  });

  it('model versions count up; the same content as the latest version makes no new version', async () => {
    const { services, session: s } = session();
    const publishModel = async (weights: string) => {
      await s.start();
      services.data.write('m.bin', weights);
      await s.model('clf', 'm.bin');
      return (await s.publish()).models[0]!;
    };
    expect(await publishModel('w1')).toMatchObject({ version: 1, created: true });
    expect(await publishModel('w1')).toMatchObject({ version: 1, created: false });
    expect(await publishModel('w2')).toMatchObject({ version: 2, created: true });
    expect(await publishModel('w1')).toMatchObject({ version: 3, created: true });
    expect(types(await services.events.streamEvents('model-clf'))).toHaveLength(3);
  });

  it('an input whose content is already a version of its dataset creates none; the consumer reads the producer’s version', async () => {
    const { services, session: s } = session();
    const producer = await s.start();
    await s.output('features.parquet');
    services.data.write('features.parquet', 'f1');
    await s.publish();
    await s.start();
    await s.input('features.parquet');
    const published = await s.publish();
    expect(published.inputs).toMatchObject([{ dataset: 'features.parquet', version: 1, created: false }]);
    const versions = await services.events.streamEvents('dataset-features.parquet');
    expect(versions.map((e) => e.data)).toMatchObject([{ version: 1, producedBy: producer }]);
  });

  it('an input with the content of an older version of its dataset reads that version (no new one)', async () => {
    const { services, session: s } = session();
    for (const content of ['v1', 'v2']) {
      await s.start();
      await s.output('data.csv');
      services.data.write('data.csv', content);
      await s.publish();
    }
    services.data.write('data.csv', 'v1');
    await s.start();
    await s.input('data.csv');
    const published = await s.publish();
    expect(published.inputs).toMatchObject([{ version: 1, created: false }]);
    expect(await services.events.streamEvents('dataset-data.csv')).toHaveLength(2);
  });

  it('a model declared twice with other details is refused at the call', async () => {
    const { session: s } = session();
    await s.start();
    await s.model('clf', 'a.bin');
    await s.model('clf', 'a.bin');
    await expect(s.model('clf', 'b.bin')).rejects.toThrow(ModelConflictError);
  });

  it('a version race is retried with the number recomputed', async () => {
    const { services, session: s } = session();
    await s.start();
    await s.output('shared.csv');
    services.data.write('shared.csv', 'ours');
    let raced = false;
    services.events.beforeAppend = async (stream) => {
      if (stream !== 'dataset-shared.csv' || raced) return;
      raced = true;
      // Another process publishes a version of the same dataset first.
      await services.events.append(stream, [
        {
          id: '99999999-0000-4000-8000-000000000000',
          type: 'DatasetVersionCreated',
          schemaVersion: 1,
          data: {
            name: 'shared.csv',
            version: 1,
            ref: { store: 'mem', digest: `sha256:${'e'.repeat(64)}`, kind: 'file', bytes: 1, files: 1 },
            bytes: 1,
            files: 1,
          },
          meta: {},
        },
      ]);
    };
    const published = await s.publish();
    expect(published.outputs[0]).toMatchObject({ version: 2, created: true });
    expect((await services.events.streamEvents('dataset-shared.csv')).map((e) => (e.data as { version: number }).version)).toEqual([1, 2]);
  });

  it('a crash between the versions and the seal leaves the run unpublished, and publishing again seals it without duplicate versions', async () => {
    const services = testServices();
    const { session: s } = session(services);
    const runId = await s.start();
    await s.output('out.csv');
    await s.model('clf', 'm.bin');
    services.data.write('out.csv', 'o');
    services.data.write('m.bin', 'm');
    services.events.beforeAppend = (stream) => {
      if (stream === `run-${runId}`) throw new Error('process killed');
    };
    await expect(s.publish()).rejects.toThrow('process killed');
    services.events.beforeAppend = undefined;
    expect(types(await services.events.streamEvents(`run-${runId}`))).toEqual(['RunStarted']);
    expect(await services.events.streamEvents('dataset-out.csv')).toHaveLength(1);

    // The same process publishes again (a new process would open a recorder on the run).
    const published = await s.publish();
    expect(published.outputs[0]).toMatchObject({ version: 1, created: false });
    expect(published.models[0]).toMatchObject({ version: 1, created: false });
    expect(await services.events.streamEvents('dataset-out.csv')).toHaveLength(1);
    expect(await services.events.streamEvents('model-clf')).toHaveLength(1);
    expect(types(await services.events.streamEvents(`run-${runId}`))).toEqual(['RunStarted', 'OutputDeclared', 'ModelDeclared', 'RunPublished']);
    const reopened = await RunRecorder.open(services, runId);
    expect(reopened.state.lifecycle).toBe('published');
  });

  it('another process can finish a publish that crashed before the seal, reusing the versions already written', async () => {
    const services = testServices();
    const { session: s } = session(services);
    const runId = await s.start();
    await s.output('out.csv');
    services.data.write('out.csv', 'o');
    services.events.beforeAppend = (stream) => {
      if (stream === `run-${runId}`) throw new Error('process killed');
    };
    await expect(s.publish()).rejects.toThrow('process killed');
    services.events.beforeAppend = undefined;

    const recorder = await RunRecorder.open(services, runId);
    const plan = new PublicationPlan(runId);
    plan.addOutput('./out.csv');
    const published = await publishRun(services, recorder, plan);
    expect(published.outputs).toMatchObject([{ path: 'out.csv', version: 1, created: false }]);
    expect(await services.events.streamEvents('dataset-out.csv')).toHaveLength(1);
    expect(types(await services.events.streamEvents(`run-${runId}`))).toEqual(['RunStarted', 'OutputDeclared', 'RunPublished']);
    expect(verifyChain(await services.events.allEvents())).toMatchObject({ ok: true });
  });

  it('given versions captured before publishing, when published with them, then they are recorded as captured and nothing is captured now', async () => {
    const { services, session: s } = session();
    const runId = await s.start();
    services.data.write('out/clean.csv', 'as the block said');
    services.data.write('out/clf.onnx', 'weights as printed');
    const captured = new Map([
      ['out/clean.csv', await services.data.capture('out/clean.csv')],
      ['out/clf.onnx', await services.data.capture('out/clf.onnx')],
    ]);
    // The program rewrites its files before the run is recorded.
    services.data.write('out/clean.csv', 'rewritten later');
    services.data.write('out/clf.onnx', 'later weights');
    services.data.captured.length = 0;

    const recorder = await RunRecorder.open(services, runId);
    const plan = new PublicationPlan(runId);
    plan.addOutput('./out/clean.csv');
    plan.addModel({ name: 'clf', path: 'out/clf.onnx' });
    const published = await publishRun(services, recorder, plan, { captured });

    expect(services.data.captured).toEqual([]);
    expect(published.outputs.map((o) => o.ref)).toEqual([captured.get('out/clean.csv')]);
    expect(published.models.map((m) => m.ref)).toEqual([captured.get('out/clf.onnx')]);
    expect(types(await services.events.streamEvents(`run-${runId}`))).toEqual(['RunStarted', 'OutputDeclared', 'ModelDeclared', 'RunPublished']);
  });

  it('given versions captured before publishing that miss a planned output, when published with them, then VersionNotCapturedError names it and nothing is written', async () => {
    const { services, session: s } = session();
    const runId = await s.start();
    services.data.write('out/clean.csv', 'here now');
    const before = (await services.events.allEvents()).length;
    const recorder = await RunRecorder.open(services, runId);
    const plan = new PublicationPlan(runId);
    plan.addOutput('out/clean.csv');
    await expect(publishRun(services, recorder, plan, { captured: new Map() })).rejects.toThrow(VersionNotCapturedError);
    await expect(publishRun(services, recorder, plan, { captured: new Map() })).rejects.toThrow(
      /out\/clean\.csv was not captured before the run was published/,
    );
    expect(services.data.captured).toEqual([]);
    expect((await services.events.allEvents()).length).toBe(before);
  });
});

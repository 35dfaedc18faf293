import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DataPathNotFoundError,
  InvalidInputError,
  MetricStepOrderError,
  ModeConflictError,
  ParameterConflictError,
  RunAlreadyPublishedError,
  RunAlreadyStartedError,
} from '@dotscience/core';
import { describe, expect, it } from 'vitest';
import { AnnotationWriteError } from '../../src/index.js';
import type { OpenRunNotes } from '../../src/annotations/open-run-notes.js';
import { ofType, useWorkspace } from './client-fixture.js';

describe('run lifecycle through the client', () => {
  const ws = useWorkspace();

  it('given no start(), when an annotation is made, then a run is started for it and stderr says so', async () => {
    const ds = ws.client();
    ds.parameter('lr', 0.1);
    const published = await ds.publish();
    expect(ws.notices).toContain(`dotscience: you have not called start() yet, so run ${published.runId} was started for parameter()`);
    expect(await ws.runTypes(published.runId)).toEqual(['RunStarted', 'ParameterRecorded', 'RunPublished']);
  });

  it('given start(), when annotations follow, then no auto-start is reported', async () => {
    const ds = ws.client();
    ds.start('with a description');
    ds.label('k', 'v');
    const published = await ds.publish();
    expect(ws.notices.filter((n) => n.includes('have not called start()'))).toEqual([]);
    expect(await ws.runTypes(published.runId)).toEqual(['RunStarted', 'RunDescribed', 'LabelAdded', 'RunPublished']);
  });

  it('given interactive(), when script() is called, then ModeConflictError is thrown; the interactive run records no script', async () => {
    const ds = ws.client();
    ds.interactive();
    expect(() => ds.script()).toThrow(ModeConflictError);
    ds.interactive(); // selecting the same mode again is fine
    const published = await ds.publish();
    const [started] = ofType(await ws.events(), 'RunStarted');
    expect(started!.data).toMatchObject({ runId: published.runId, mode: 'interactive', workload: { cwd: ws.dir } });
    expect((started!.data as { workload: object }).workload).not.toHaveProperty('script');
  });

  it('given script mode by default, when a run starts, then the script path, working directory and workload id are recorded', async () => {
    const ds = ws.client({ env: { DOTSCIENCE_WORKLOAD_ID: 'workload-42' } });
    ds.start();
    await ds.publish();
    const [started] = ofType(await ws.events(), 'RunStarted');
    expect(started!.data).toMatchObject({
      mode: 'script',
      workload: { script: 'train.ts', cwd: ws.dir, workloadId: 'workload-42' },
      codeVersion: { scriptDigest: expect.stringMatching(/^sha256:/) },
    });
  });

  it('given one process, when start/publish pairs and an annotation after publish follow one another, then each makes its own run', async () => {
    const ds = ws.client();
    ds.start();
    ds.parameter('lr', 0.1);
    const first = await ds.publish();
    ds.start();
    ds.parameter('lr', 0.2); // a new run: the parameter may take another value
    const second = await ds.publish();
    ds.metric('loss', 1);
    const third = await ds.publish();
    expect(new Set([first.runId, second.runId, third.runId]).size).toBe(3);
    const params = ofType(await ws.events(), 'ParameterRecorded').map((e) => [e.stream, (e.data as { value: number }).value]);
    expect(params).toEqual([
      [`run-${first.runId}`, 0.1],
      [`run-${second.runId}`, 0.2],
    ]);
    expect(await ws.runTypes(third.runId)).toEqual(['RunStarted', 'MetricsRecorded', 'RunPublished']);
  });

  it("given a run whose note is not yet durable, when its start is due to be written, then it waits for the note's fdatasync; the second run of a sweep is noted in the first one's file", async () => {
    const client = ws.client();
    client.start();
    await client.publish();
    const notes = (client as unknown as { notes: OpenRunNotes }).notes;
    const noteFiles = () => readdirSync(notes.directory).filter((n) => n.endsWith('.json'));
    const [file] = noteFiles();
    let release: () => void = () => undefined;
    let asked!: () => void;
    const waiting = new Promise<void>((resolve) => (asked = resolve));
    const synced = notes.synced.bind(notes);
    notes.synced = async (runId) => {
      asked();
      await new Promise<void>((resolve) => (release = resolve));
      return synced(runId);
    };
    client.start();
    client.parameter('lr', 0.1);
    const runId = client.runId!;
    expect(noteFiles()).toEqual([file]);
    expect(JSON.parse(readFileSync(join(notes.directory, file!), 'utf8'))).toMatchObject({ runId });
    await waiting;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await ws.runTypes(runId)).toEqual([]);
    release();
    await client.publish();
    expect(await ws.runTypes(runId)).toEqual(['RunStarted', 'ParameterRecorded', 'RunPublished']);
  });

  it('given an open run, when start() is called again, then RunAlreadyStartedError is thrown at once', async () => {
    const ds = ws.client();
    ds.start();
    expect(() => ds.start()).toThrow(RunAlreadyStartedError);
    await ds.publish();
  });

  it('given a published run, when publish() is called again with nothing in between, then RunAlreadyPublishedError', async () => {
    const ds = ws.client();
    ds.start();
    const published = await ds.publish();
    await expect(ds.publish()).rejects.toThrow(RunAlreadyPublishedError);
    await expect(ds.publish()).rejects.toThrow(published.runId);
  });

  it('given a parameter, when it is given another value in the same run, then ParameterConflictError is thrown at once and nothing is written for it', async () => {
    const ds = ws.client();
    ds.parameter('lr', 0.1);
    expect(ds.parameter('lr', 0.1)).toBe(0.1); // the same value again is a no-op
    expect(() => ds.parameter('lr', 0.2)).toThrow(ParameterConflictError);
    expect(() => ds.addParameters({ depth: 3, lr: 0.3 })).toThrow(/parameter "lr" is already 0.1 and cannot become 0.3/);
    const published = await ds.publish();
    const params = ofType(await ws.events(), 'ParameterRecorded').map((e) => e.data);
    expect(params).toEqual([{ name: 'lr', value: 0.1 }]); // depth was refused with lr: all or nothing
    expect(await ws.runTypes(published.runId)).toEqual(['RunStarted', 'ParameterRecorded', 'RunPublished']);
  });

  it('given bad input, when annotations are called before any run, then each throws a typed error, no run is started and nothing is written', async () => {
    const ds = ws.client();
    expect(() => ds.parameter('', 1)).toThrow(InvalidInputError);
    expect(() => ds.parameter('lr', Number.NaN)).toThrow(/invalid parameter "lr" value: .*NaN/);
    expect(() => ds.parameter('when', new Date() as never)).toThrow(/is a Date: must be plain JSON/);
    expect(() => ds.metric('loss', Number.POSITIVE_INFINITY)).toThrow(/Infinity/);
    expect(() => ds.metric('loss', 1, -1)).toThrow(/invalid metric "loss" step/);
    expect(() => ds.metric('loss', 1, 1.5)).toThrow(InvalidInputError);
    expect(() => ds.label('team', { a: 1 } as never)).toThrow(/must be a string, a number or a boolean/);
    expect(() => ds.input('missing.csv')).toThrow(DataPathNotFoundError);
    expect(() => ds.input('')).toThrow(InvalidInputError);
    expect(() => ds.model('', 'model.bin')).toThrow(InvalidInputError);
    expect(() => ds.description(42 as never)).toThrow(InvalidInputError);
    await ds.flush();
    expect(ws.notices).toEqual([]);
    expect(existsSync(join(ws.dir, '.dotscience'))).toBe(false);
  });

  it('given a metric series at step 5, when a point at step 3 is recorded, then MetricStepOrderError is thrown at once', async () => {
    const ds = ws.client();
    ds.metric('loss', 0.5, 5);
    ds.metric('loss', 0.4, 5);
    expect(() => ds.metric('loss', 0.6, 3)).toThrow(MetricStepOrderError);
    expect(() => ds.addMetrics({ acc: 0.9, loss: 0.3 }, 4)).toThrow(MetricStepOrderError);
    const published = await ds.publish();
    expect(await ws.runTypes(published.runId)).toEqual(['RunStarted', 'MetricsRecorded', 'RunPublished']); // both points in one batch
  });

  it('given end() before slow work, when published later, then the run ends at end() time', async () => {
    const ds = ws.client();
    ds.start();
    ds.end();
    const endedBefore = Date.now();
    await new Promise((r) => setTimeout(r, 30));
    const published = await ds.publish();
    expect(Date.parse(published.endedAt)).toBeLessThanOrEqual(endedBefore);
    const [seal] = ofType(await ws.events(), 'RunPublished');
    expect((seal!.data as { endedAt: string }).endedAt).toBe(published.endedAt);
  });

  it('given a queued write that fails after its call returned, when published, then publish rejects with AnnotationWriteError, stderr said so, and the run stays open to publish again', async () => {
    const ds = ws.client();
    writeFileSync('data.csv', 'a,b\n1,2\n');
    ds.start();
    ds.input('data.csv');
    unlinkSync('data.csv'); // gone before the queued capture runs
    const error = await ds.publish().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnnotationWriteError);
    expect((error as Error).message).toMatch(/input data.csv: data path .*data.csv does not exist/);
    expect(ws.notices.some((n) => n.startsWith('dotscience: could not record input data.csv'))).toBe(true);
    const runId = ds.runId!;
    expect(await ws.runTypes(runId)).toEqual(['RunStarted']);
    const again = await ds.publish();
    expect(again.runId).toBe(runId);
    expect(await ws.runTypes(runId)).toEqual(['RunStarted', 'RunPublished']);
  });
});

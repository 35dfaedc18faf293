import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planProtocolRun, type RunBlock } from '../../src/index.js';
import { recordStream } from './protocol-stream-recording.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PROTOCOL_TIME = /^\d{8}T\d{6}\.\d{6}$/;

/** Run the fixture with python3; stdout is the protocol stream, stderr a copy of the plain output. */
function runFixture(mode: 'script' | 'interactive'): { stdout: Buffer; stderr: Buffer } {
  const result = spawnSync('python3', ['dotscience_protocol.py', mode], { cwd: FIXTURES, env: { ...process.env, PYTHONIOENCODING: 'utf-8' } });
  if (result.error) throw result.error;
  expect(result.status, result.stderr.toString()).toBe(0);
  return { stdout: result.stdout, stderr: result.stderr };
}

function chunksOf(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

describe('the stdout of a Python script printing blocks exactly as the dotscience library does', () => {
  const script = runFixture('script');

  it('prints the library’s format: indent 4, sorted keys, its time format, one uuid4 per publish', () => {
    const raw = script.stdout.toString('utf8');
    const blocks = [...raw.matchAll(/\[\[DOTSCIENCE-RUN:([^\]]+)\]\]([\s\S]*?)\[\[\/DOTSCIENCE-RUN:\1\]\]\n/g)];
    expect(blocks).toHaveLength(3);
    const [first] = blocks;
    expect(first![1]).toMatch(UUID);
    expect(first![2]).toMatch(
      /^\{\n {4}"description": "\\u00dcn\\u00efcode \\u2603 and \\"quotes\\" and a \\\\ backslash\\nsecond line",\n {4}"end": "\d{8}T\d{6}\.\d{6}",\n/,
    );
    expect(first![2]).toMatch(/\n {4}"version": "1",\n {4}"workload-file": "dotscience_protocol.py"\n\}$/);
  });

  it.each([1, 3, 17, 64, 4096, 1 << 20])('is parsed the same when read in chunks of %i bytes: output passed through, three runs planned', (size) => {
    const r = recordStream(chunksOf(script.stdout, size));
    expect(r.errors).toEqual([]);
    expect(Buffer.from(r.output).equals(script.stderr)).toBe(true);
    expect(r.findings.map((f) => f.kind)).toEqual(['run', 'run', 'run']);

    const runs = r.findings.map((f) => (f.kind === 'run' ? { runId: f.runId, block: f.block } : undefined)) as Array<{ runId: string; block: RunBlock }>;
    const [train, failed, model] = runs.map(({ runId, block }) => planProtocolRun(runId, block));
    expect(new Set(runs.map((run) => run.runId)).size).toBe(3);
    expect(runs[0]!.block.start).toMatch(PROTOCOL_TIME);

    expect(train).toMatchObject({
      mode: 'script',
      script: 'dotscience_protocol.py',
      description: 'Ünïcode ☃ and "quotes" and a \\ backslash\nsecond line',
      parameters: { lr: '0.1', max_depth: '3', use_gpu: 'False', layers: '[64, 32]', seed: 'None' },
      summary: { accuracy: '0.953' },
      labels: { owner: 'zoë' },
      outputs: ['model'],
      models: [],
      ignoredKeys: [],
    });
    expect([...train!.inputs].sort()).toEqual(['data/iris.csv', 'raw']);
    expect(train!.startedAt! <= train!.endedAt!).toBe(true);
    expect(train!.startedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    expect(failed).toMatchObject({ mode: 'script', error: 'loss diverged', parameters: { lr: '10' } });
    expect(model!.models).toEqual([
      {
        name: 'iris',
        path: 'model',
        framework: 'tensorflow',
        extra: { artefactType: 'tensorflow-model', frameworkVersion: '2.0.0', files: { model: 'model' } },
      },
    ]);
  });

  it('in interactive mode the blocks name no workload file and the runs are interactive', () => {
    const interactive = runFixture('interactive');
    const r = recordStream([interactive.stdout]);
    expect(Buffer.from(r.output).equals(interactive.stderr)).toBe(true);
    const plans = r.findings.flatMap((f) => (f.kind === 'run' ? [planProtocolRun(f.runId, f.block)] : []));
    expect(plans.map((p) => [p.mode, p.script])).toEqual([
      ['interactive', undefined],
      ['interactive', undefined],
      ['interactive', undefined],
    ]);
  });
});

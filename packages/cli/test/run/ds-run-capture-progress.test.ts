import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runWorkload } from '../../src/runner/index.js';
import { cleanEnv, freshProject } from './ds-run-process.js';

const ERASE = '\r\x1b[2K';

/** A stderr stand-in: a terminal or not, keeping what is written. */
function stderrLike(isTTY: boolean): { writes: string[]; stream: Writable } {
  const writes: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      writes.push(chunk.toString());
      done();
    },
  });
  Object.assign(stream, { isTTY, columns: 200 });
  return { writes, stream };
}

const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() });

/** A clock that moves `stepMs` on every reading: a capture that reports progress n times "takes" n × stepMs. */
function clockStepping(stepMs: number): () => number {
  let t = 0;
  return () => (t += stepMs);
}

/** A project whose script publishes one run block with a 256 KiB input, as the Python library prints it. */
function projectWithBlock(): string {
  const project = freshProject();
  writeFileSync(join(project, 'data/raw/big.csv'), `x\n${'1,2,3\n'.repeat((256 * 1024) / 6)}`);
  writeFileSync(
    join(project, 'with_data.py'),
    'import dotscience_protocol as ds\nds.script()\nds.start()\nds.input("data/raw/big.csv")\nds.publish("with data")\n',
  );
  return project;
}

const run = (project: string, stderr: Writable, now: () => number) =>
  runWorkload({
    command: ['python3', 'with_data.py'],
    cwd: project,
    env: cleanEnv({}),
    stdout: discard(),
    stderr,
    captureProgress: { showAfterMs: 1000, now },
  });

describe("progress of ds run's own captures (a block's data, the workload's log) on a terminal", () => {
  it('given a terminal and captures that run past the threshold, when a block is recorded, then a bar names the data and its bytes, and is erased at the end', async () => {
    const project = projectWithBlock();
    const { writes, stream } = stderrLike(true);
    const outcome = await run(project, stream, clockStepping(1000));

    expect(outcome.protocolRuns).toHaveLength(1);
    const bars = writes.filter((w) => w !== ERASE);
    const dataBar = new RegExp(
      `^\\r\\x1b\\[2Kdotscience: versioning ${join(project, 'data/raw/big.csv').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\[[#-]{30}\\] \\d+% [\\d.]+ KiB / 256\\.\\d KiB$`,
    );
    expect(bars.some((w) => dataBar.test(w))).toBe(true);
    expect(writes.at(-1)).toBe(ERASE);
  });

  it('given a terminal and captures that end before the threshold, when a block is recorded, then nothing is drawn', async () => {
    const project = projectWithBlock();
    const { writes, stream } = stderrLike(true);
    const outcome = await run(project, stream, () => 0);

    expect(outcome.protocolRuns).toHaveLength(1);
    expect(writes).toEqual([]);
  });

  it('given stderr is not a terminal, when captures run past the threshold, then nothing is drawn', async () => {
    const project = projectWithBlock();
    const { writes, stream } = stderrLike(false);
    const outcome = await run(project, stream, clockStepping(1000));

    expect(outcome.protocolRuns).toHaveLength(1);
    expect(writes).toEqual([]);
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useWorkspace } from '../annotations/client-fixture.js';

/** A stderr stand-in: a terminal or not, keeping what is written. */
function stderrLike(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, target: { isTTY, columns: 120, write: (text: string) => (writes.push(text), true) } };
}

/** A clock that moves `stepMs` on every reading: a capture that reports progress n times "takes" n × stepMs. */
function clockStepping(stepMs: number): () => number {
  let t = 0;
  return () => (t += stepMs);
}

function writeFiles(dir: string, count: number): void {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < count; i++) writeFileSync(`${dir}/part-${i}.csv`, `x\n${'1,'.repeat(1000 + i)}\n`);
}

describe('progress of the SDK captures on a terminal', () => {
  const ws = useWorkspace();

  it('given a terminal and a capture that runs past the threshold, when input() and publish() capture, then a bar names the path and its bytes, and is erased at the end', async () => {
    writeFiles('data/big', 20);
    const { writes, target } = stderrLike(true);
    const ds = ws.client({ captureProgress: { target, showAfterMs: 1000, now: clockStepping(400) } });
    ds.input('data/big');
    ds.output('out/preds');
    writeFiles('out/preds', 5);
    await ds.publish();

    const drawn = writes.filter((w) => w !== '\r\x1b[2K');
    // eslint-disable-next-line no-control-regex -- the terminal's escape sequence is what is tested
    expect(drawn.some((w) => /^\r\x1b\[2Kdotscience: versioning data\/big \[[#-]{30}\] \d+% [\d.]+ KiB \/ [\d.]+ KiB$/.test(w))).toBe(true);
    expect(drawn.some((w) => w.includes('dotscience: versioning out/preds'))).toBe(true);
    expect(writes.at(-1)).toBe('\r\x1b[2K');
  });

  it('given a terminal and captures that end before the threshold, when they run, then nothing is drawn', async () => {
    writeFiles('data/big', 20);
    const { writes, target } = stderrLike(true);
    const ds = ws.client({ captureProgress: { target, showAfterMs: 1000, now: () => 0 } });
    ds.input('data/big');
    await ds.publish();
    expect(writes).toEqual([]);
  });

  it('given stderr is not a terminal, when a capture runs past the threshold, then nothing is drawn', async () => {
    writeFiles('data/big', 20);
    const { writes, target } = stderrLike(false);
    const ds = ws.client({ captureProgress: { target, showAfterMs: 0, now: clockStepping(400) } });
    ds.input('data/big');
    await ds.publish();
    expect(writes).toEqual([]);
  });
});

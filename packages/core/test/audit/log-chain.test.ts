import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AnchorVerifier, GENESIS_HASH, LogChain, type AnchorEntry } from '../../src/index.js';
import { LOG_BLOCK_RECORDS, logHashOf } from '../../src/store-kit.js';

const sha = (text: string) => createHash('sha256').update(text, 'latin1').digest('hex');
const hashes = (n: number, salt = 'r') => Array.from({ length: n }, (_, i) => sha(`${salt}${i}`));

/** The anchor lines a store would write after commits ending at these counts. */
function anchorsAt(all: readonly string[], counts: readonly number[]): AnchorEntry[] {
  const chain = new LogChain();
  const entries: AnchorEntry[] = [];
  let line = 1;
  let i = 0;
  for (const count of counts) {
    for (; i < count; i++) {
      const block = chain.add(all[i]!, i);
      if (block) entries.push({ kind: 'block', line: line++, index: block.index, blockHash: block.blockHash });
    }
    entries.push({ kind: 'head', line: line++, count, logHash: chain.head().logHash, recovered: false });
  }
  return entries;
}

function verify(records: readonly string[], anchors: readonly AnchorEntry[]) {
  const verifier = new AnchorVerifier(anchors);
  records.forEach((hash, position) => verifier.check({ hash, position }));
  return verifier.finish();
}

describe('the log chain', () => {
  it('given fewer records than a block, then the head is sha256 of the genesis, the hashes and ":" count', () => {
    const h = hashes(3);
    expect(logHashOf(h)).toBe(sha(`${GENESIS_HASH}${h.join('')}:3`));
    expect(logHashOf([])).toBe(sha(`${GENESIS_HASH}:0`));
  });

  it('given more than a block, then the head chains onto the block hash, and a chain resumed from the block gives the same head', () => {
    const h = hashes(LOG_BLOCK_RECORDS + 5);
    const block = sha(`${GENESIS_HASH}${h.slice(0, LOG_BLOCK_RECORDS).join('')}`);
    expect(logHashOf(h)).toBe(sha(`${block}${h.slice(LOG_BLOCK_RECORDS).join('')}:${h.length}`));
    const resumed = new LogChain({ blocks: 1, blockHash: block, hashes: h.slice(LOG_BLOCK_RECORDS), position: h.length - 1 });
    expect(resumed.head()).toEqual({ count: h.length, position: h.length - 1, logHash: logHashOf(h) });
  });

  it('does not depend on how records were batched: heads taken on the way do not change the end', () => {
    const h = hashes(50);
    const chain = new LogChain();
    h.forEach((x, i) => {
      chain.add(x, i);
      if (i % 7 === 0) chain.head();
    });
    expect(chain.head().logHash).toBe(logHashOf(h));
  });
});

describe('AnchorVerifier', () => {
  const log = hashes(LOG_BLOCK_RECORDS + 40);
  const anchors = anchorsAt(log, [1, 10, 500, LOG_BLOCK_RECORDS + 2, LOG_BLOCK_RECORDS + 40]);

  it('given the log its anchors were written for, then every anchor holds', () => {
    const report = verify(log, anchors);
    expect(report.break).toBeUndefined();
    expect(report).toMatchObject({
      anchors: anchors.length,
      verifiedRecords: log.length,
      unanchoredRecords: 0,
      head: { count: log.length, logHash: logHashOf(log) },
    });
  });

  it('given one record changed (a payload edited and its stream re-chained), then the first anchor after it breaks, naming the positions since the last one that held', () => {
    const edited = [...log];
    edited[200] = sha('rewritten');
    const report = verify(edited, anchors);
    expect(report.break).toMatchObject({ reason: 'log-hash-mismatch', from: 10, to: 499 });
  });

  it('given a record removed from the middle (a whole stream deleted), then the log hash breaks', () => {
    const removed = log.filter((_, i) => i !== 3);
    expect(verify(removed, anchors).break).toMatchObject({ reason: 'log-hash-mismatch', from: 1, to: 9 });
  });

  it('given a record changed inside a complete block, then the block line breaks too', () => {
    const edited = [...log];
    edited[700] = sha('x');
    const withoutHeads = anchors.filter((a) => a.kind === 'block');
    expect(verify(edited, withoutHeads).break).toMatchObject({ reason: 'block-mismatch' });
  });

  it('given the last records cut off at a record boundary, then the log is shorter than its anchors', () => {
    const report = verify(log.slice(0, LOG_BLOCK_RECORDS + 20), anchors);
    expect(report.break).toMatchObject({ reason: 'log-shorter' });
    expect(report.break!.message).toMatch(/holds 1044/);
  });

  it('given anchors that go back (cut back, then written on), then it says so', () => {
    const cutBack = [...anchors, { kind: 'head' as const, line: 99, count: 12, logHash: logHashOf(log.slice(0, 12)), recovered: true }];
    expect(verify(log, cutBack).break).toMatchObject({ reason: 'anchors-go-back', line: 99 });
  });

  it('given records appended after the last anchor (a crash lost its line), then they are counted unanchored, not broken', () => {
    const report = verify([...log, sha('late')], anchors);
    expect(report.break).toBeUndefined();
    expect(report.unanchoredRecords).toBe(1);
  });
});

describe('AnchorVerifier and the stream-index snapshot', () => {
  it('given a snapshot that recorded more records than the log holds, and no anchors (a log from before anchors), then the log is named shorter', () => {
    const verifier = new AnchorVerifier([]);
    hashes(5).forEach((hash, position) => verifier.check({ hash, position }));
    expect(verifier.finish(8).break).toMatchObject({ reason: 'index-snapshot-longer', line: 0, from: 0 });
    const intact = new AnchorVerifier([]);
    hashes(5).forEach((hash, position) => intact.check({ hash, position }));
    expect(intact.finish(5).break).toBeUndefined();
  });
});

describe('LogChain.addAll', () => {
  it('given records taken in as batches across block ends, then the blocks and the head are those of taking them one by one', () => {
    const h = hashes(2 * LOG_BLOCK_RECORDS + 17);
    const one = new LogChain();
    const oneBlocks = h.flatMap((x, i) => one.add(x, i) ?? []);
    const batched = new LogChain();
    const batchedBlocks = [];
    for (let from = 0; from < h.length; from += 300) {
      batchedBlocks.push(...batched.addAll(h.slice(from, from + 300).map((hash, k) => ({ hash, position: from + k }))));
    }
    expect(batchedBlocks).toEqual(oneBlocks);
    expect(batched.head()).toEqual(one.head());
  });
});

describe('LogChain.fork', () => {
  it('given a fork extended across a block end, then it gives the blocks and head of the chain extended itself, and the chain it came from is unchanged', () => {
    const h = hashes(LOG_BLOCK_RECORDS + 900);
    const records = h.map((hash, position) => ({ hash, position }));
    const chain = new LogChain();
    chain.addAll(records.slice(0, 700));
    const before = chain.head();
    const fork = chain.fork();
    const forkBlocks = fork.addAll(records.slice(700));
    expect(chain.head()).toEqual(before);
    expect(chain.count).toBe(700);
    const itself = chain.addAll(records.slice(700));
    expect(forkBlocks).toEqual(itself);
    expect(forkBlocks).toHaveLength(1);
    expect(fork.head()).toEqual(chain.head());
    expect(fork.head()).toEqual({ count: h.length, position: h.length - 1, logHash: logHashOf(h) });
  });

  it('given a fork taken after a head was asked for, then its head moves with the records taken into it', () => {
    const h = hashes(10);
    const chain = new LogChain();
    chain.addAll(h.slice(0, 4).map((hash, position) => ({ hash, position })));
    expect(chain.head().logHash).toBe(logHashOf(h.slice(0, 4)));
    const fork = chain.fork();
    expect(fork.head().logHash).toBe(logHashOf(h.slice(0, 4)));
    fork.addAll(h.slice(4).map((hash, k) => ({ hash, position: 4 + k })));
    expect(fork.head()).toEqual({ count: 10, position: 9, logHash: logHashOf(h) });
    expect(chain.head().logHash).toBe(logHashOf(h.slice(0, 4)));
  });
});

/**
 * A hub's receipts ledger at scale: one run's receipts among `lines` lines of a project
 * (`node bench/run-bundled.mjs receipts-ledger [lines]`, default 100,000, one stream
 * per 30 lines as runs recorded live). What a run page asks (docs/decisions.md D144): the
 * stream's lines through the ledger's index, the first time in a process (the whole file
 * indexed) and after (only what was appended since), beside the whole file read and
 * filtered, as the hub did before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LedgerLine } from '@dotscience/core';
import { machineLine, measureSeconds } from '../packages/core/bench/measurement.js';
import { FsReceiptLedger } from '../packages/adapters-fs/src/receipts/index.js';

const BENCH = 'adapters-fs: receipts ledger';
const lines = Number(process.argv[2] ?? 100_000);
const streams = Math.max(1, Math.floor(lines / 30));
const HASH = 'c'.repeat(64);

const line = (i: number): LedgerLine => ({
  receipt: {
    version: 1,
    project: 'churn',
    head: { count: i, position: i - 1, logHash: HASH },
    append: { stream: `run-${i % streams}`, fromRevision: 0, toRevision: 1, lastHash: HASH, token: { id: '0123456789abcdef', label: 'ada-laptop' } },
    signedAt: new Date(1_780_000_000_000 + i).toISOString(),
    publicKey: `MCowBQYDK2VwAyEA${'x'.repeat(44)}`,
    signature: 'y'.repeat(88),
  },
});

const dir = mkdtempSync(join(tmpdir(), 'ds-receipts-bench-'));
try {
  console.log(machineLine());
  const written = new FsReceiptLedger(dir);
  for (let i = 0; i < lines; i += 10_000)
    await written.append(
      'churn',
      Array.from({ length: Math.min(10_000, lines - i) }, (_, k) => line(i + k + 1)),
    );
  const label = `${lines.toLocaleString('en-US')} lines, ${streams.toLocaleString('en-US')} streams`;
  let pick = 0;
  const stream = (): string => `run-${pick++ % streams}`;
  const seconds = async (read: (ledger: FsReceiptLedger, stream: string) => Promise<number>, ledger = () => new FsReceiptLedger(dir)): Promise<number> => {
    const reader = ledger();
    const start = performance.now();
    const found = await read(reader, stream());
    if (found === 0) throw new Error('no receipt found for the stream');
    return performance.now() - start;
  };
  await measureSeconds(
    BENCH,
    `one stream's receipts, whole file read and filtered (${label})`,
    () => seconds(async (l, s) => (await l.read('churn')).lines.filter((x) => x.receipt.append?.stream === s).length),
    { key: 'receipts.read-and-filter' },
  );
  await measureSeconds(
    BENCH,
    `one stream's receipts, first in a process: the file indexed (${label})`,
    () => seconds(async (l, s) => (await l.readStream('churn', s)).length),
    {
      key: 'receipts.stream-first',
    },
  );
  const warm = new FsReceiptLedger(dir);
  await warm.readStream('churn', 'run-0');
  await measureSeconds(
    BENCH,
    `one stream's receipts, after one more line (${label})`,
    async () => {
      await warm.append('churn', [line(lines + pick + 1)]);
      return seconds(
        async (l, s) => (await l.readStream('churn', s)).length,
        () => warm,
      );
    },
    { key: 'receipts.stream-warm' },
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

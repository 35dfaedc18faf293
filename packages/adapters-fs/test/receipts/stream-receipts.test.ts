import { appendFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LedgerLine, SignedReceipt } from '@dotscience/core';
import { FsReceiptLedger } from '../../src/receipts/index.js';
import { tempStoreDir } from '../event-store/fixtures.js';

const HASH = 'b'.repeat(64);

function line(count: number, stream: string): LedgerLine {
  const receipt: SignedReceipt = {
    version: 1,
    project: 'p',
    head: { count, position: count - 1, logHash: HASH },
    append: { stream, fromRevision: 0, toRevision: count - 1, lastHash: HASH, token: { id: 't1', label: 'ci' } },
    signedAt: '2026-12-06T21:30:00.000Z',
    publicKey: 'cHVibGlj',
    signature: 'c2lnbmVk',
  };
  return { receipt };
}

describe('FsReceiptLedger.readStream over the file as it changes on disk', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempStoreDir()));
  afterEach(() => cleanup());

  it('given a torn last line, when a stream is read, then its whole lines come back; when the line is completed, then it is read too', async () => {
    const ledger = new FsReceiptLedger(join(dir, 'receipts'));
    await ledger.append('p', [line(1, 'run-a'), line(2, 'run-b')]);
    const completed = JSON.stringify(line(3, 'run-a'));
    await appendFile(ledger.fileOf('p'), completed.slice(0, 40));
    expect(await ledger.readStream('p', 'run-a')).toEqual([line(1, 'run-a')]);
    await appendFile(ledger.fileOf('p'), `${completed.slice(40)}\n`);
    expect(await ledger.readStream('p', 'run-a')).toEqual([line(1, 'run-a'), line(3, 'run-a')]);
  });

  it('given lines appended by another ledger (another process) after a read, when the stream is read again, then they are there', async () => {
    const hub = new FsReceiptLedger(join(dir, 'receipts'));
    const other = new FsReceiptLedger(join(dir, 'receipts'));
    await hub.append('p', [line(1, 'run-a')]);
    expect(await hub.readStream('p', 'run-a')).toEqual([line(1, 'run-a')]);
    await other.append('p', [line(2, 'run-b'), line(3, 'run-a')]);
    expect(await hub.readStream('p', 'run-a')).toEqual([line(1, 'run-a'), line(3, 'run-a')]);
    expect(await hub.readStream('p', 'run-b')).toEqual([line(2, 'run-b')]);
  });

  it('given the file replaced by another (renamed over) or cut shorter after a read, when the stream is read again, then it answers the new file’s lines', async () => {
    const ledger = new FsReceiptLedger(join(dir, 'receipts'));
    await ledger.append('p', [line(1, 'run-a'), line(2, 'run-a'), line(3, 'run-a')]);
    expect(await ledger.readStream('p', 'run-a')).toHaveLength(3);
    const replacement = join(dir, 'replacement.ndjson');
    await writeFile(replacement, `${JSON.stringify(line(7, 'run-b'))}\n${JSON.stringify(line(8, 'run-a'))}\n`);
    await rename(replacement, ledger.fileOf('p'));
    expect(await ledger.readStream('p', 'run-a')).toEqual([line(8, 'run-a')]);
    await writeFile(ledger.fileOf('p'), `${JSON.stringify(line(9, 'run-a'))}\n`); // same inode, shorter
    expect(await ledger.readStream('p', 'run-a')).toEqual([line(9, 'run-a')]);
  });

  it('given lines that are not JSON, or JSON that is not a receipt, then the stream reads only its receipts, as read does', async () => {
    const ledger = new FsReceiptLedger(join(dir, 'receipts'));
    await ledger.append('p', [line(1, 'run-a')]);
    const fake = { receipt: { append: { stream: 'run-a' } } };
    await appendFile(ledger.fileOf('p'), `not json\n${JSON.stringify(fake)}\nnull\n`);
    await ledger.append('p', [line(2, 'run-a')]);
    const read = await ledger.read('p');
    expect(read.unreadable).toBe(3);
    expect(await ledger.readStream('p', 'run-a')).toEqual(read.lines);
  });

  it('given lines longer than one read of the index and many of them, then each stream reads back exactly its lines in order', async () => {
    const ledger = new FsReceiptLedger(join(dir, 'receipts'));
    const long = (count: number, stream: string): LedgerLine => ({
      hub: `https://hub.example/${'x'.repeat(count % 7 === 0 ? 1_200_000 : 10)}`,
      receipt: line(count, stream).receipt,
    });
    const lines = Array.from({ length: 60 }, (_, i) => long(i + 1, `run-${i % 4}`));
    await ledger.append('p', lines.slice(0, 30));
    expect(await ledger.readStream('p', 'run-1')).toEqual(lines.slice(0, 30).filter((l) => l.receipt.append?.stream === 'run-1'));
    await ledger.append('p', lines.slice(30));
    for (let s = 0; s < 4; s++) expect(await ledger.readStream('p', `run-${s}`)).toEqual(lines.filter((l) => l.receipt.append?.stream === `run-${s}`));
  });
});

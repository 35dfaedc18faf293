import { readFileSync } from 'node:fs';
import { appendFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { receiptSignatureHolds } from '@dotscience/core';
import { FsReceiptLedger, KeyFileReceiptSigner } from '../../src/receipts/index.js';
import { tempStoreDir } from '../event-store/fixtures.js';

describe('KeyFileReceiptSigner and FsReceiptLedger', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempStoreDir()));
  afterEach(() => cleanup());

  it('given no key, when a signer starts, then it makes one readable by its owner only, and a second start signs with the same key', async () => {
    const keyFile = join(dir, 'hub', 'key.pem');
    const first = await KeyFileReceiptSigner.fromKeyFile(keyFile);
    expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'hub'))).mode & 0o777).toBe(0o700);
    const again = await KeyFileReceiptSigner.fromKeyFile(keyFile);
    expect(again.publicKey).toBe(first.publicKey);
    const receipt = again.sign({ version: 1, project: 'p', head: { count: 0, position: -1, logHash: 'a'.repeat(64) }, signedAt: 'now' });
    expect(receipt.publicKey).toBe(first.publicKey);
    expect(receiptSignatureHolds(receipt)).toBe(true);
  });

  it('given receipts appended and a torn last line, when read, then the whole lines come back and the torn one is counted', async () => {
    const signer = await KeyFileReceiptSigner.fromKeyFile(join(dir, 'key.pem'));
    const ledger = new FsReceiptLedger(join(dir, 'receipts'));
    const receipt = signer.sign({ version: 1, project: 'p', head: { count: 3, position: 2, logHash: 'a'.repeat(64) }, signedAt: 'now' });
    await ledger.append('p', [{ receipt }, { hub: 'http://hub', receipt }]);
    await appendFile(ledger.fileOf('p'), '{"receipt":{"versi');
    const read = await ledger.read('p');
    expect(read.lines).toEqual([{ receipt }, { hub: 'http://hub', receipt }]);
    expect(read.unreadable).toBe(1);
    expect((await stat(ledger.fileOf('p'))).mode & 0o777).toBe(0o600);
    expect(await ledger.read('nobody')).toEqual({ lines: [], unreadable: 0 });
  });
});

describe('FsReceiptLedger under concurrent appends', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempStoreDir()));
  afterEach(() => cleanup());

  it('given 200 appends at once, then every line is written once, whole, in the order given', async () => {
    const signer = await KeyFileReceiptSigner.fromKeyFile(join(dir, 'key.pem'));
    const ledger = new FsReceiptLedger(join(dir, 'receipts'));
    const receipts = Array.from({ length: 200 }, (_, i) =>
      signer.sign({ version: 1, project: 'p', head: { count: i + 1, position: i, logHash: 'a'.repeat(64) }, signedAt: 'now' }),
    );
    await Promise.all(receipts.map((receipt) => ledger.append('p', [{ receipt }])));
    const read = await ledger.read('p');
    expect(read.unreadable).toBe(0);
    expect(read.lines.map((l) => l.receipt.head.count)).toEqual(receipts.map((r) => r.head.count));
  });

  it('given lines from promise jobs of one turn, then they are written together before the event loop moves on, each in the file when its promise settles', async () => {
    const signer = await KeyFileReceiptSigner.fromKeyFile(join(dir, 'key.pem'));
    const ledger = new FsReceiptLedger(join(dir, 'receipts'));
    const line = (count: number) => ({
      receipt: signer.sign({ version: 1, project: 'p', head: { count, position: count - 1, logHash: 'a'.repeat(64) }, signedAt: 'now' }),
    });
    await ledger.append('p', [line(1)]); // the file is open from here on, as a busy hub's is
    // As the answers of one group commit record their receipts: continuations of one settled promise, at different depths.
    const order: string[] = [];
    setImmediate(() => order.push('next turn'));
    const depths = [0, 3, 1, 7, 2];
    const seen = await Promise.all(
      depths.map(async (depth, i) => {
        for (let d = 0; d < depth; d++) await null;
        await ledger.append('p', [line(i + 2)]);
        order.push(`written ${i + 2}`);
        return readFileSync(ledger.fileOf('p'), 'utf8').trimEnd().split('\n').length;
      }),
    );
    // Every one saw all six lines: one write took the lines of the whole turn, and it was done before its promises settled.
    expect(seen).toEqual(depths.map(() => 6));
    expect(order).not.toContain('next turn');
    await new Promise((resolve) => setImmediate(resolve));
    expect(order.at(-1)).toBe('next turn');
    // In the order given: the shallower continuations gave theirs first.
    expect((await ledger.read('p')).lines.map((l) => l.receipt.head.count)).toEqual([1, 2, 4, 6, 3, 5]);
  });

  it('given the receipts directory removed after a write, when more receipts are appended, then it is made again (0700) and holds them', async () => {
    const signer = await KeyFileReceiptSigner.fromKeyFile(join(dir, 'key.pem'));
    const ledger = new FsReceiptLedger(join(dir, 'receipts'));
    const receipt = (count: number) =>
      signer.sign({ version: 1, project: 'p', head: { count, position: count - 1, logHash: 'a'.repeat(64) }, signedAt: 'now' });
    await ledger.append('p', [{ receipt: receipt(1) }]);
    await rm(ledger.dir, { recursive: true });
    await ledger.append('p', [{ receipt: receipt(2) }]);
    expect((await ledger.read('p')).lines.map((l) => l.receipt.head.count)).toEqual([2]);
    expect((await stat(ledger.dir)).mode & 0o777).toBe(0o700);
    expect((await stat(ledger.fileOf('p'))).mode & 0o777).toBe(0o600);
  });

  it('given the file replaced (renamed over) between appends, when more receipts are appended, then they go to the file the path names now', async () => {
    const signer = await KeyFileReceiptSigner.fromKeyFile(join(dir, 'key.pem'));
    const ledger = new FsReceiptLedger(join(dir, 'receipts'));
    const receipt = (count: number) =>
      signer.sign({ version: 1, project: 'p', head: { count, position: count - 1, logHash: 'a'.repeat(64) }, signedAt: 'now' });
    await ledger.append('p', [{ receipt: receipt(1) }]);
    const replacement = join(dir, 'replacement.ndjson');
    await writeFile(replacement, `${JSON.stringify({ receipt: receipt(7) })}\n`, { mode: 0o600 });
    await rename(replacement, ledger.fileOf('p'));
    await ledger.append('p', [{ receipt: receipt(2) }]);
    expect((await ledger.read('p')).lines.map((l) => l.receipt.head.count)).toEqual([7, 2]);
  });
});

describe('FsReceiptLedger syncs its lines in the background', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempStoreDir()));
  afterEach(() => cleanup());
  const line = (count: number) => ({
    receipt: {
      version: 1 as const,
      project: 'p',
      head: { count, position: count - 1, logHash: 'a'.repeat(64) },
      signedAt: 'now',
      publicKey: 'k',
      signature: 's'.repeat(200),
    },
  });
  const bytesOf = (...counts: number[]) => counts.reduce((sum, count) => sum + Buffer.byteLength(`${JSON.stringify(line(count))}\n`), 0);

  it('given lines written below the sync size, then they wait; when the size is passed, then a sync starts and covers them all', async () => {
    const ledger = new FsReceiptLedger(join(dir, 'receipts'), { everyBytes: 3 * bytesOf(1), everyMs: 600_000, idleMs: 600_000 });
    await ledger.append('p', [line(1)]);
    await ledger.append('p', [line(2)]);
    expect(ledger.unsyncedBytes('p')).toBe(bytesOf(1, 2));
    await ledger.append('p', [line(3), line(4)]);
    // The sync started at the write that passed the size; nothing else would start one for ten minutes.
    await vi.waitFor(() => expect(ledger.unsyncedBytes('p')).toBe(0));
    await ledger.append('p', [line(5)]);
    expect(ledger.unsyncedBytes('p')).toBe(bytesOf(5));
    expect((await ledger.read('p')).lines.map((l) => l.receipt.head.count)).toEqual([1, 2, 3, 4, 5]);
  });

  it('given a line written, when the interval has passed, then the next write starts a sync of both', async () => {
    const ledger = new FsReceiptLedger(join(dir, 'receipts'), { everyBytes: 1024 * 1024, everyMs: 300, idleMs: 600_000 });
    await ledger.append('p', [line(1)]);
    expect(ledger.unsyncedBytes('p')).toBe(bytesOf(1));
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(ledger.unsyncedBytes('p')).toBe(bytesOf(1));
    await ledger.append('p', [line(2)]);
    await vi.waitFor(() => expect(ledger.unsyncedBytes('p')).toBe(0));
  });

  it('given a file left idle, then it is synced and closed; a later write opens it again and keeps every line', async () => {
    const ledger = new FsReceiptLedger(join(dir, 'receipts'), { everyBytes: 1024 * 1024, everyMs: 600_000, idleMs: 50 });
    await ledger.append('p', [line(1), line(2)]);
    expect(ledger.unsyncedBytes('p')).toBe(bytesOf(1, 2));
    await vi.waitFor(() => expect(ledger.unsyncedBytes('p')).toBe(0));
    await ledger.append('p', [line(3)]);
    expect(ledger.unsyncedBytes('p')).toBe(bytesOf(3));
    await ledger.synced('p');
    expect(ledger.unsyncedBytes('p')).toBe(0);
    expect((await ledger.read('p')).lines.map((l) => l.receipt.head.count)).toEqual([1, 2, 3]);
  });
});

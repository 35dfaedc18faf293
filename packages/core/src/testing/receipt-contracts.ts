import { describe, expect, it } from 'vitest';
import { receiptSignatureHolds, type SignedReceipt, type UnsignedReceipt } from '../audit/signed-receipt.js';
import type { LedgerLine, ReceiptLedger } from '../ports/receipt-ledger.js';
import type { ReceiptSigner } from '../ports/receipt-signer.js';

const HASH = 'a'.repeat(64);

/** An unsigned receipt of a log of `count` records, for project `project`. */
function unsigned(project: string, count: number): UnsignedReceipt {
  return { version: 1, project, head: { count, position: count - 1, logHash: HASH }, signedAt: '2026-12-06T18:00:00.000Z' };
}

/** A receipt as a ledger keeps it (the ledger does not check signatures: a reader does). */
function receipt(project: string, count: number, stream?: string): SignedReceipt {
  const append = stream === undefined ? {} : { append: { stream, fromRevision: 0, toRevision: count - 1, lastHash: HASH, token: { id: 't1', label: 'ci' } } };
  return { ...unsigned(project, count), ...append, publicKey: 'cHVibGlj', signature: 'c2lnbmVk' };
}

/**
 * The `ReceiptLedger` contract: lines read back per name in the order appended, names kept
 * apart (also names with characters a file name cannot hold), and every name listed.
 * `factory` gives a fresh, empty ledger for each test.
 */
export function receiptLedgerContract(name: string, factory: () => Promise<ReceiptLedger>): void {
  describe(`ReceiptLedger contract: ${name}`, () => {
    it('given no receipts, reads none for any name and lists no names', async () => {
      const ledger = await factory();
      expect(await ledger.read('churn')).toEqual({ lines: [], unreadable: 0 });
      expect(await ledger.names()).toEqual([]);
    });

    it('given lines appended in several calls, reads them back in the order appended, hub and receipt as given', async () => {
      const ledger = await factory();
      const lines: LedgerLine[] = [
        { hub: 'https://hub.example', receipt: receipt('churn', 1, 'run-a') },
        { receipt: receipt('churn', 2) },
        { hub: 'https://hub.example', receipt: receipt('churn', 3, 'run-b') },
      ];
      await ledger.append('churn', lines.slice(0, 2));
      await ledger.append('churn', []);
      await ledger.append('churn', lines.slice(2));
      expect(await ledger.read('churn')).toEqual({ lines, unreadable: 0 });
    });

    it('given lines appended as their JSON text, between lines appended as objects, reads them all back in order as append keeps them', async () => {
      const ledger = await factory();
      const lines: LedgerLine[] = [
        { receipt: receipt('churn', 1, 'run-a') },
        { hub: 'https://hub.example', receipt: receipt('churn', 2, 'run-b') },
        { receipt: receipt('churn', 3) },
      ];
      await ledger.append('churn', lines.slice(0, 1));
      await ledger.appendJson('churn', []);
      await ledger.appendJson(
        'churn',
        lines.slice(1, 2).map((line) => JSON.stringify(line)),
      );
      await ledger.append('churn', lines.slice(2));
      expect(await ledger.read('churn')).toEqual({ lines, unreadable: 0 });
      expect(await ledger.readStream('churn', 'run-b')).toEqual(lines.slice(1, 2));
    });

    it('given lines appended at once without waiting, keeps every one of them, in the order of the calls', async () => {
      const ledger = await factory();
      const lines = Array.from({ length: 20 }, (_, i): LedgerLine => ({ receipt: receipt('burst', i + 1) }));
      await Promise.all(lines.map((line) => ledger.append('burst', [line])));
      expect((await ledger.read('burst')).lines).toEqual(lines);
    });

    it('given lines of several streams interleaved, reads one stream’s lines in the order appended, as read and a filter answer, and later lines too', async () => {
      const ledger = await factory();
      const lines: LedgerLine[] = [
        { receipt: receipt('churn', 1, 'run-a') },
        { receipt: receipt('churn', 2, 'run-b') },
        { receipt: receipt('churn', 3) },
        { hub: 'https://hub.example', receipt: receipt('churn', 4, 'run-a') },
      ];
      await ledger.append('churn', lines.slice(0, 3));
      expect(await ledger.readStream('churn', 'run-a')).toEqual([lines[0]]);
      await ledger.append('churn', lines.slice(3));
      await ledger.append('other', [{ receipt: receipt('other', 1, 'run-a') }]);
      const ofA = (await ledger.read('churn')).lines.filter((l) => l.receipt.append?.stream === 'run-a');
      expect(await ledger.readStream('churn', 'run-a')).toEqual(ofA);
      expect(ofA).toEqual([lines[0], lines[3]]);
      expect(await ledger.readStream('churn', 'run-b')).toEqual([lines[1]]);
      expect(await ledger.readStream('churn', 'run-c')).toEqual([]);
      expect(await ledger.readStream('never-written', 'run-a')).toEqual([]);
    });

    it('given lines of one stream appended at once without waiting, reads every one of them back for that stream, in the order of the calls', async () => {
      const ledger = await factory();
      const lines = Array.from({ length: 20 }, (_, i): LedgerLine => ({ receipt: receipt('burst', i + 1, i % 2 === 0 ? 'run-even' : 'run-odd') }));
      const reads = lines.map((line, i) => ledger.append('burst', [line]).then(() => (i % 5 === 0 ? ledger.readStream('burst', 'run-even') : undefined)));
      await Promise.all(reads);
      expect(await ledger.readStream('burst', 'run-even')).toEqual(lines.filter((_, i) => i % 2 === 0));
      expect(await ledger.readStream('burst', 'run-odd')).toEqual(lines.filter((_, i) => i % 2 === 1));
    });

    it('given lines appended, when read a page at a time, then the pages hold every line once, in order, and the last page says there is no next', async () => {
      const ledger = await factory();
      const lines = Array.from({ length: 5 }, (_, i): LedgerLine => ({ receipt: receipt('paged', i + 1, `run-${i % 2}`) }));
      await ledger.append('paged', lines.slice(0, 4));
      expect(await ledger.readPage('paged', 0, 2)).toEqual({ lines: lines.slice(0, 2), next: 2 });
      expect(await ledger.readPage('paged', 2, 2)).toEqual({ lines: lines.slice(2, 4) });
      await ledger.append('paged', lines.slice(4));
      expect(await ledger.readPage('paged', 2, 2)).toEqual({ lines: lines.slice(2, 4), next: 4 });
      expect(await ledger.readPage('paged', 4, 2)).toEqual({ lines: lines.slice(4) });
      expect(await ledger.readPage('paged', 9, 2)).toEqual({ lines: [] });
      expect(await ledger.readPage('never-written', 0, 2)).toEqual({ lines: [] });
      expect((await ledger.readPage('paged', 0, 10)).lines).toEqual((await ledger.read('paged')).lines);
    });

    it('given names that differ, and names with slashes, dots, spaces and non-ASCII letters, keeps each name its own lines and lists every name sorted', async () => {
      const ledger = await factory();
      const names = ['b', 'a', 'team/churn', '../up', 'sp ace', 'ünï', '.'];
      for (const [i, n] of names.entries()) await ledger.append(n, [{ receipt: receipt(n, i + 1) }]);
      for (const [i, n] of names.entries()) expect((await ledger.read(n)).lines, n).toEqual([{ receipt: receipt(n, i + 1) }]);
      expect(await ledger.names()).toEqual([...names].sort());
    });
  });
}

/** The `ReceiptSigner` contract: every receipt it signs verifies with the key it carries, and a change to a signed field breaks it. */
export function receiptSignerContract(name: string, factory: () => Promise<ReceiptSigner>): void {
  describe(`ReceiptSigner contract: ${name}`, () => {
    it('given a receipt, signs it so that its signature holds, carrying the signer public key and every field given', async () => {
      const signer = await factory();
      const signed = signer.sign({ ...unsigned('churn', 3) });
      expect(signed).toMatchObject({ ...unsigned('churn', 3), publicKey: signer.publicKey });
      expect(receiptSignatureHolds(signed)).toBe(true);
    });

    it('given a signed receipt whose head is then changed, its signature no longer holds', async () => {
      const signed = (await factory()).sign(unsigned('churn', 3));
      expect(receiptSignatureHolds({ ...signed, head: { ...signed.head, count: 4 } })).toBe(false);
      expect(receiptSignatureHolds({ ...signed, project: 'other' })).toBe(false);
    });

    it('signs every receipt with the same key', async () => {
      const signer = await factory();
      const keys = new Set([1, 2, 3].map((count) => signer.sign(unsigned('churn', count)).publicKey));
      expect([...keys]).toEqual([signer.publicKey]);
    });
  });
}

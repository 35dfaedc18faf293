import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { receiptLedgerContract, receiptSignerContract } from '@dotscience/core/testing';
import { afterEach } from 'vitest';
import { FsReceiptLedger, KeyFileReceiptSigner } from '../../src/receipts/index.js';

const made: string[] = [];
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function tempDirectory(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ds-receipts-'));
  made.push(dir);
  return dir;
}

receiptLedgerContract('FsReceiptLedger', async () => new FsReceiptLedger(join(await tempDirectory(), 'receipts')));
receiptSignerContract('KeyFileReceiptSigner', async () => KeyFileReceiptSigner.fromKeyFile(join(await tempDirectory(), 'keys', 'signing-key.pem')));

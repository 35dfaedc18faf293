import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { receiptMessage, receiptSignatureHolds, type SignedReceipt, type UnsignedReceipt } from '../../src/index.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const signed = (receipt: UnsignedReceipt): SignedReceipt => ({
  ...receipt,
  publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  signature: sign(null, receiptMessage(receipt), privateKey).toString('base64'),
});
const receipt = signed({
  version: 1,
  project: 'team',
  head: { count: 12, position: 11, logHash: 'a'.repeat(64) },
  append: { stream: 'run-1', fromRevision: 0, toRevision: 3, lastHash: 'b'.repeat(64), token: { id: '0123456789abcdef', label: 'alice' } },
  signedAt: '2026-12-06T12:00:00.000Z',
});

describe('signed receipts', () => {
  it('given a receipt as signed, then its signature holds', () => {
    expect(receiptSignatureHolds(receipt)).toBe(true);
  });

  it.each([
    ['the head count', { head: { ...receipt.head, count: 11 } }],
    ['the log hash', { head: { ...receipt.head, logHash: 'c'.repeat(64) } }],
    ['the project', { project: 'other' }],
    ['the signing time', { signedAt: '2026-12-07T12:00:00.000Z' }],
    ['the key', { publicKey: generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).toString('base64') }],
    ['the signature', { signature: 'AAAA' }],
  ])('given %s changed, then the signature no longer holds', (_what, change) => {
    expect(receiptSignatureHolds({ ...receipt, ...change } as SignedReceipt)).toBe(false);
  });
});

import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { receiptMessage, type AppendResult, type RecordedEvent, type SignedReceipt } from '@dotscience/core';
import { receiptOfAnswer } from '../src/client/signed-receipts.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const hash = (c: string) => c.repeat(64);
const event = (revision: number, position: number, h: string) => ({ stream: 'run-1', revision, position, hash: h }) as RecordedEvent;
const result: AppendResult = { nextExpectedRevision: 1, position: 7, events: [event(0, 6, hash('a')), event(1, 7, hash('b'))] };

function answerWith(head: SignedReceipt['head'], append: SignedReceipt['append']): { receipt: SignedReceipt } {
  const unsigned = { version: 1 as const, project: 'team', head, signedAt: '2026-12-06T12:00:00.000Z' };
  return {
    receipt: {
      ...unsigned,
      append,
      publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
      signature: sign(null, receiptMessage(unsigned), privateKey).toString('base64'),
    },
  };
}
const append = { stream: 'run-1', fromRevision: 0, toRevision: 1, lastHash: hash('b'), token: { id: '0123456789abcdef' } };
const head = { count: 8, position: 7, logHash: hash('c') };

describe('receiptOfAnswer', () => {
  it('given a signed receipt naming this append under a head that covers it, then it is kept', () => {
    expect(receiptOfAnswer(answerWith(head, append), 'run-1', result)?.append).toEqual(append);
  });

  it.each([
    ['names another stream', answerWith(head, { ...append, stream: 'run-2' })],
    ['names another last hash', answerWith(head, { ...append, lastHash: hash('d') })],
    ['comes with a head that does not reach the append', answerWith({ ...head, count: 7 }, append)],
    ['has a head changed after signing', { receipt: { ...answerWith(head, append).receipt, head: { ...head, count: 9 } } }],
    ['is not a receipt', { receipt: { signature: 'x' } }],
  ])('given a receipt that %s, then it is not kept', (_what, answer) => {
    expect(receiptOfAnswer(answer, 'run-1', result)).toBeUndefined();
  });
});

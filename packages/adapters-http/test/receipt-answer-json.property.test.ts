import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SignedReceipt } from '@dotscience/core';
import { answerWithReceiptJson, receiptJson } from '../src/server/receipt-answer-json.js';

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
/** Any text, escapes and lone surrogates included: what JSON.stringify must escape the same way on both paths. */
const text = fc.string({ unit: 'binary', minLength: 1 });

const head = fc.record({
  version: fc.constant(1 as const),
  project: text,
  head: fc.record({ count: fc.nat(), position: fc.integer({ min: -1 }), logHash: hex64 }),
  signedAt: text,
  publicKey: text,
  signature: text,
});

const append = fc.record(
  {
    stream: text,
    fromRevision: fc.nat(),
    toRevision: fc.nat(),
    lastHash: hex64,
    token: fc.record({ id: text, label: text }, { requiredKeys: ['id'] }),
  },
  { requiredKeys: ['stream', 'fromRevision', 'toRevision', 'lastHash', 'token'] },
);

/** The three answers an append can have (full, receipts, chain), as far as their JSON goes: fields of any JSON value. */
const answer = fc
  .dictionary(
    text.filter((k) => k !== 'receipt' && k !== '__proto__'),
    fc.jsonValue(),
    { minKeys: 1 },
  )
  .map((fields) => ({ nextExpectedRevision: 0, ...fields }));

describe('receiptJson and answerWithReceiptJson', () => {
  it('given any answer, signed head and append, then the receipt and the answer with it are JSON.stringify of them, byte for byte', () => {
    fc.assert(
      fc.property(answer, head, append, (a, h, ap) => {
        const receipt: SignedReceipt = { ...h, append: ap };
        const text = receiptJson(JSON.stringify(h), ap);
        expect(text).toBe(JSON.stringify(receipt));
        expect(answerWithReceiptJson(JSON.stringify(a), text)).toBe(JSON.stringify({ ...a, receipt }));
      }),
      { numRuns: 3000 },
    );
  });
});

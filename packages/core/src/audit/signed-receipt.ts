import { createPublicKey, verify } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../events/canonical-json.js';

const hashHex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (sha256)');

/** The log head a receipt vouches for (see audit/log-chain.ts). */
export const SignedLogHeadSchema = z.object({
  count: z.number().int().nonnegative(),
  position: z.number().int().min(-1),
  logHash: hashHex,
});

/**
 * What an accepted append added, and who the hub authenticated for it (the token's id and
 * label, never its secret). Beside the signed head, not inside the signature: the hub signs
 * each head once, however many appends one commit answers (see decisions.md); the head
 * covers the append's records, which `--against` proves by the log.
 */
export const ReceiptAppendSchema = z.object({
  stream: z.string().min(1),
  fromRevision: z.number().int().nonnegative(),
  toRevision: z.number().int().nonnegative(),
  lastHash: hashHex,
  token: z.object({ id: z.string().min(1), label: z.string().optional() }),
});

/**
 * A signed statement about a log: "project P's log held `head.count` records whose log hash
 * is `head.logHash`", signed with Ed25519 by the key whose public half it carries; for an
 * append's receipt, beside it, what the append added and which token made it. A hub answers every
 * accepted append with one (and its current head on request); `ds audit anchor` makes one
 * for a local store. Whoever keeps it can later prove the log it names still starts with
 * exactly those records — or that it does not.
 */
export const SignedReceiptSchema = z.object({
  version: z.literal(1),
  /** The project (a hub's) or store the head is of. */
  project: z.string().min(1),
  head: SignedLogHeadSchema,
  append: ReceiptAppendSchema.optional(),
  signedAt: z.string().min(1),
  /** The signer's Ed25519 public key, SPKI DER in base64. */
  publicKey: z.string().min(1),
  /** Ed25519 over `receiptMessage(receipt)`, base64. */
  signature: z.string().min(1),
});
export type SignedReceipt = z.infer<typeof SignedReceiptSchema>;
export type UnsignedReceipt = Omit<SignedReceipt, 'signature' | 'publicKey'>;

/** The bytes that are signed: a fixed prefix, then the canonical JSON of the version, project, head and signing time. */
export function receiptMessage(receipt: Pick<UnsignedReceipt, 'version' | 'project' | 'head' | 'signedAt'>): Buffer {
  const { version, project, head, signedAt } = receipt;
  return Buffer.from(`dotscience-receipt-v1\n${canonicalJson({ version, project, head, signedAt })}`, 'utf8');
}

/** Whether the receipt's signature is its key's over its content (any change to a field makes it false). */
export function receiptSignatureHolds(receipt: SignedReceipt): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(receipt.publicKey, 'base64'), format: 'der', type: 'spki' });
    return verify(null, receiptMessage(receipt), key, Buffer.from(receipt.signature, 'base64'));
  } catch {
    return false;
  }
}

/**
 * Deterministic bench data: the same seed gives the same bytes on every machine, so
 * every tool in a comparison (and every run of `pnpm bench`) works on identical trees.
 * AES-256-CTR over zeros keyed by sha256(seed): incompressible like real data, and
 * fast enough (GiB/s) that generating a large file costs little.
 */
import { createCipheriv, createHash } from 'node:crypto';

/** A stream of seeded pseudo-random bytes; each call continues where the last ended. */
export function seededByteSource(seed: string): (length: number) => Buffer {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  return (length) => cipher.update(Buffer.alloc(length));
}

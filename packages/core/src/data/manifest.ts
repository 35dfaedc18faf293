import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../events/canonical-json.js';

/**
 * A directory version is a Merkle manifest: one entry per child, sorted by name
 * (code-unit order), each with its mode, size and digest; a sub-directory's
 * digest is the digest of its own manifest. The directory's digest is the sha256
 * of the canonical JSON of its manifest. Every DataStore adapter computes
 * directory digests with `manifestDigest`, so identical trees have identical
 * digests wherever they are captured.
 */
export const ManifestEntrySchema = z.object({
  name: z
    .string()
    .min(1)
    .refine((n) => n !== '.' && n !== '..' && !n.includes('/') && !n.includes('\0'), 'must be a single path component (no "/", ".", ".." or NUL)'),
  type: z.enum(['file', 'directory', 'symlink']),
  /** Permission bits (e.g. 0o644 = 420). */
  mode: z.number().int().min(0).max(0o7777),
  /** Bytes: a file's length; a directory's total length of the regular files below it; a symlink's target length. */
  size: z.number().int().nonnegative(),
  /** sha256:<hex> — of the bytes (file), of the manifest (directory), of the target text (symlink). */
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  /** A symlink's target, recorded as text and never followed. */
  target: z.string().optional(),
});
export type ManifestEntry = z.infer<typeof ManifestEntrySchema>;

export const ManifestSchema = z.object({
  version: z.literal(1),
  entries: z.array(ManifestEntrySchema),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export function sha256Digest(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

const byName = (a: ManifestEntry, b: ManifestEntry): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Build a manifest from entries in any order (sorted here; duplicate names refused). */
export function makeManifest(entries: readonly ManifestEntry[]): Manifest {
  const sorted = [...entries].sort(byName);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.name === sorted[i - 1]!.name) throw new Error(`manifest has two entries named ${JSON.stringify(sorted[i]!.name)}`);
  }
  return { version: 1, entries: sorted };
}

export function manifestText(manifest: Manifest): string {
  return canonicalJson(manifest);
}

export function manifestDigest(manifest: Manifest): string {
  return sha256Digest(manifestText(manifest));
}

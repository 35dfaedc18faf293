import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { VersionRef } from '@dotscience/core';
import { ZfsVersionNotHeldError } from './zfs-errors.js';

/**
 * Where a ZFS version lives, recorded as the VersionRef's `snapshotId` (canonical
 * JSON): the pool, the file system, the snapshot name, the snapshot's guid (so a
 * snapshot destroyed and re-created under the same name is recognised as a
 * different one; `zfs send | zfs receive` keeps it, so a replica is recognised as
 * the same) and the captured path relative to the file system's mountpoint
 * (`''` for the whole file system).
 */
export const SnapshotVersionSchema = z.object({
  pool: z.string().min(1),
  dataset: z.string().min(1),
  snapshot: z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'must be a ZFS snapshot name'),
  guid: z.string().regex(/^[0-9]+$/, 'must be the decimal guid of the snapshot'),
  path: z.string().refine((p) => p === '' || (!p.startsWith('/') && !p.split('/').includes('..')), 'must be relative to the mountpoint, without ".."'),
});
export type SnapshotVersion = z.infer<typeof SnapshotVersionSchema>;

export const fullSnapshotName = (version: SnapshotVersion): string => `${version.dataset}@${version.snapshot}`;

export function encodeSnapshotVersion(version: SnapshotVersion): string {
  const { pool, dataset, snapshot, guid, path } = version;
  return JSON.stringify({ dataset, guid, path, pool, snapshot });
}

/** The ZFS location of `ref`; throws `ZfsVersionNotHeldError` when it has none. */
export function snapshotVersionOf(ref: VersionRef): SnapshotVersion {
  const name = ref.digest ?? ref.snapshotId ?? `(${ref.kind})`;
  if (ref.store !== 'zfs') throw new ZfsVersionNotHeldError(name, `it was captured by the "${ref.store}" store`);
  if (ref.snapshotId === undefined) throw new ZfsVersionNotHeldError(name, 'it has no snapshot id');
  let json: unknown;
  try {
    json = JSON.parse(ref.snapshotId);
  } catch {
    throw new ZfsVersionNotHeldError(name, 'its snapshot id is not the JSON this store writes');
  }
  const parsed = SnapshotVersionSchema.safeParse(json);
  if (!parsed.success)
    throw new ZfsVersionNotHeldError(name, `its snapshot id is malformed (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')})`);
  return parsed.data;
}

/**
 * User properties on a snapshot (they travel with `zfs send -p`): what a capture
 * of one path found (kind, bytes, files) and, once computed, its digest. One
 * snapshot may hold versions of several paths, so the key names the path.
 */
const pathKey = (path: string): string => createHash('sha256').update(path).digest('hex').slice(0, 16);
export const versionProperty = (path: string): string => `dotscience:version-${pathKey(path)}`;
export const digestProperty = (path: string): string => `dotscience:digest-${pathKey(path)}`;

export const RecordedVersionSchema = z.object({
  path: z.string(),
  kind: z.enum(['file', 'directory']),
  bytes: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
});
export type RecordedVersion = z.infer<typeof RecordedVersionSchema>;

/** Marks what dotscience made: its snapshots are named `ds-…`, its clones carry `dotscience:role`. */
export const SNAPSHOT_PREFIX = 'ds-';
export const ROLE_PROPERTY = 'dotscience:role';
export type CloneRole = 'materialized' | 'read';

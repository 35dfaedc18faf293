import type { VersionRef } from '@dotscience/core';
import { removeLeftMountpoint } from './snapshot-clones.js';
import { ROLE_PROPERTY, SNAPSHOT_PREFIX, snapshotVersionOf } from './snapshot-version.js';
import type { PropertyRow, ZfsDatasets } from './zfs-datasets.js';

export interface ZfsGcOptions {
  /** Report what would be destroyed, destroy nothing. */
  dryRun?: boolean;
  /** Read clones (left behind by a crashed process) older than this are destroyed; default 600 s. */
  readCloneMaxAgeSeconds?: number;
  /** Seconds since the epoch (ZFS `creation` is in seconds); default now. */
  nowSeconds?: number;
}

export interface ZfsGcResult {
  /** Snapshots dotscience took that some ref still needs. */
  snapshotsKept: number;
  /** Destroyed — or, in a dry run, that would be destroyed. */
  snapshotsRemoved: string[];
  clonesRemoved: string[];
  /** Unreferenced snapshots kept because a clone dotscience did not make depends on them. */
  snapshotsPinned: string[];
}

interface Dataset {
  name: string;
  properties: Map<string, string>;
}

function byName(rows: readonly PropertyRow[]): Map<string, Dataset> {
  const datasets = new Map<string, Dataset>();
  for (const row of rows) {
    const dataset = datasets.get(row.name) ?? { name: row.name, properties: new Map() };
    dataset.properties.set(row.property, row.value);
    datasets.set(row.name, dataset);
  }
  return datasets;
}

function referencedGuids(referenced: readonly VersionRef[]): Set<string> {
  const guids = new Set<string>();
  for (const ref of referenced) {
    if (ref.store !== 'zfs') continue;
    try {
      guids.add(snapshotVersionOf(ref).guid);
    } catch {
      // A zfs ref without a readable snapshot id pins nothing.
    }
  }
  return guids;
}

/**
 * `ds gc` on ZFS. Only what dotscience made is considered: snapshots named
 * `ds-…` and clones carrying `dotscience:role`. A materialized clone is kept
 * while the version it was made from, or a version captured inside it, is
 * referenced; a read clone is destroyed once older than a capture could take.
 * Then every `ds-` snapshot no ref names (by guid) is destroyed, unless a clone
 * dotscience did not make depends on it.
 */
export async function collectZfsGarbage(
  datasets: ZfsDatasets,
  root: string,
  referenced: readonly VersionRef[],
  options: ZfsGcOptions = {},
): Promise<ZfsGcResult> {
  const all = byName(await datasets.propertiesBelow(root, ['guid', 'origin', 'creation', 'mountpoint', ROLE_PROPERTY]));
  const wanted = referencedGuids(referenced);
  const now = options.nowSeconds ?? Date.now() / 1000;
  const maxAge = options.readCloneMaxAgeSeconds ?? 600;
  const isReferenced = (name: string): boolean => wanted.has(all.get(name)?.properties.get('guid') ?? '');
  const snapshotsOf = (filesystem: string): string[] => [...all.keys()].filter((name) => name.startsWith(`${filesystem}@`));

  const clonesRemoved: string[] = [];
  for (const dataset of all.values()) {
    const role = dataset.properties.get(ROLE_PROPERTY);
    if (dataset.name.includes('@') || (role !== 'materialized' && role !== 'read')) continue;
    if (role === 'read') {
      if (now - Number(dataset.properties.get('creation') ?? now) > maxAge) clonesRemoved.push(dataset.name);
      continue;
    }
    const origin = dataset.properties.get('origin') ?? '';
    if (!isReferenced(origin) && !snapshotsOf(dataset.name).some(isReferenced)) clonesRemoved.push(dataset.name);
  }
  const removedClone = (name: string): boolean => clonesRemoved.some((clone) => name === clone || name.startsWith(`${clone}@`) || name.startsWith(`${clone}/`));

  const snapshotsRemoved: string[] = [];
  const snapshotsPinned: string[] = [];
  let snapshotsKept = 0;
  for (const name of all.keys()) {
    const at = name.indexOf('@');
    if (at < 0 || !name.slice(at + 1).startsWith(SNAPSHOT_PREFIX) || removedClone(name)) continue;
    if (isReferenced(name)) {
      snapshotsKept++;
      continue;
    }
    const dependants = [...all.values()].filter((d) => d.properties.get('origin') === name && !removedClone(d.name));
    if (dependants.length > 0) snapshotsPinned.push(name);
    else snapshotsRemoved.push(name);
  }

  if (!options.dryRun) {
    // Newest first: a clone made from a snapshot inside another clone goes before that clone.
    const creation = (name: string): number => Number(all.get(name)?.properties.get('creation') ?? 0);
    for (const clone of [...clonesRemoved].sort((a, b) => creation(b) - creation(a))) {
      await datasets.destroy(clone);
      const mountpoint = all.get(clone)?.properties.get('mountpoint');
      if (mountpoint?.startsWith('/')) await removeLeftMountpoint(mountpoint);
    }
    for (const snapshot of snapshotsRemoved) await datasets.destroy(snapshot);
  }
  return { snapshotsKept, snapshotsRemoved, clonesRemoved, snapshotsPinned };
}

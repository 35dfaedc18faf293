import { ZfsCommandError } from './zfs-errors.js';
import type { ZfsDatasets } from './zfs-datasets.js';

/** A dataset whose writes may be lost on power failure although the writer fsynced them. */
export interface ZfsDurabilityWarning {
  dataset: string;
  message: string;
}

export function syncDisabledWarning(dataset: string): ZfsDurabilityWarning {
  return {
    dataset,
    message:
      `ZFS dataset ${dataset} has sync=disabled: fsync returns before data reaches the disk, so captured data (and an event log kept there) ` +
      `can lose its last seconds on power failure — run "zfs set sync=standard ${dataset}" unless that loss is acceptable`,
  };
}

/**
 * Warnings for every dataset at or below `root` with `sync=disabled`. A ZFS
 * without the `sync` property (zfs-fuse, pool version < 28) always honours
 * fsync, so it gets none.
 */
export async function durabilityWarnings(datasets: ZfsDatasets, root: string): Promise<ZfsDurabilityWarning[]> {
  try {
    const rows = await datasets.propertiesBelow(root, ['sync']);
    return rows.filter((row) => !row.name.includes('@') && row.value === 'disabled').map((row) => syncDisabledWarning(row.name));
  } catch (err) {
    if (err instanceof ZfsCommandError && /invalid property 'sync'/.test(err.detail)) return [];
    throw err;
  }
}

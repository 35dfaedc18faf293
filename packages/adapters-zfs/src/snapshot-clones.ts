import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { ROLE_PROPERTY, type CloneRole } from './snapshot-version.js';
import type { ZfsDatasets } from './zfs-datasets.js';

/** The container dataset (under the store's root, never mounted) that holds every clone dotscience makes. */
export const CLONES_CONTAINER = 'dotscience-clones';

const uniqueSuffix = (): string => randomBytes(6).toString('hex');

/** Remove a clone's mountpoint directory if ZFS left it behind, empty, after the clone was destroyed. */
export async function removeLeftMountpoint(mountpoint: string): Promise<void> {
  await fsp.rmdir(mountpoint).catch(() => undefined);
}

/**
 * Makes the clones: working copies mounted at a target (`materialized`), and
 * short-lived read-only clones through which a snapshot's content is read
 * (`read`: measuring a capture, computing a digest, copying out a sub-path).
 * Reading goes through a clone because `.zfs/snapshot` is not available on
 * every ZFS (zfs-fuse has none).
 */
export class SnapshotClones {
  private container: Promise<void> | undefined;

  constructor(
    private readonly datasets: ZfsDatasets,
    /** The store's root dataset. */
    private readonly root: string,
    /** Where read clones are mounted. */
    private readonly readDirectory: string,
  ) {}

  get containerName(): string {
    return `${this.root}/${CLONES_CONTAINER}`;
  }

  private ensureContainer(): Promise<void> {
    this.container ??= this.datasets.ensureFilesystem(this.containerName, { mountpoint: 'none' }).catch((err: unknown) => {
      this.container = undefined;
      throw err;
    });
    return this.container;
  }

  /**
   * Clone `snapshot` mounted at `mountpoint` (created by ZFS, with its parents). Returns the clone's name.
   * Without `honourSetuid` the clone has `setuid=off`: the kernel ignores its setuid and setgid bits.
   */
  async materialize(snapshot: string, mountpoint: string, label: string, honourSetuid = false): Promise<string> {
    await this.ensureContainer();
    const name = `${this.containerName}/${label}-${uniqueSuffix()}`;
    await this.datasets.clone(snapshot, name, { mountpoint, [ROLE_PROPERTY]: 'materialized' satisfies CloneRole, ...(honourSetuid ? {} : { setuid: 'off' }) });
    return name;
  }

  /** Run `read` with the snapshot's content mounted read-only; the clone is destroyed afterwards. */
  async read<T>(snapshot: string, read: (root: string) => Promise<T>): Promise<T> {
    await this.ensureContainer();
    await fsp.mkdir(this.readDirectory, { recursive: true });
    const mountpoint = await fsp.mkdtemp(join(this.readDirectory, 'dotscience-zfs-read-'));
    const name = `${this.containerName}/read-${uniqueSuffix()}`;
    try {
      await this.datasets.clone(snapshot, name, { mountpoint, readonly: 'on', atime: 'off', [ROLE_PROPERTY]: 'read' satisfies CloneRole });
      try {
        return await read(mountpoint);
      } finally {
        await this.datasets.destroy(name);
      }
    } finally {
      await removeLeftMountpoint(mountpoint);
    }
  }
}

import { ZfsCommandError, ZfsDatasetNotFoundError } from './zfs-errors.js';
import type { ZfsCommands } from './zfs-command.js';

/** A mounted ZFS file system: its dataset name and where it is mounted. */
export interface MountedFilesystem {
  name: string;
  mountpoint: string;
}

/** One row of `zfs get -H -p -o name,property,value,source`. */
export interface PropertyRow {
  name: string;
  property: string;
  value: string;
  source: string;
}

/** A user property that was never set reads as value "-" with source "-". */
const isUnset = (row: PropertyRow): boolean => row.value === '-' && row.source === '-';

function parsePropertyRows(stdout: string): PropertyRow[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [name = '', property = '', value = '', source = ''] = line.split('\t');
      return { name, property, value, source };
    });
}

const BUSY_ATTEMPTS = 12;
const BUSY_PAUSE_MS = 50;

export const poolOf = (dataset: string): string => dataset.split('/')[0]!;

/** The ZFS operations the data store needs, each one `zfs`/`zpool` invocation. */
export class ZfsDatasets {
  constructor(readonly commands: ZfsCommands) {}

  /** Resolves when `dataset` exists; else the pool or the dataset is named as missing. */
  async requireFilesystem(dataset: string): Promise<void> {
    try {
      await this.commands.zfs(['get', '-H', '-o', 'value', 'type', dataset]);
    } catch (err) {
      if (!(err instanceof ZfsDatasetNotFoundError)) throw err;
      // Tell a missing pool from a missing dataset: `zpool list` names the pool.
      await this.commands.zpool(['list', '-H', '-o', 'name', poolOf(dataset)]);
      throw new ZfsDatasetNotFoundError(dataset);
    }
  }

  /** The mounted file systems at or below `root`. */
  async mountedFilesystems(root: string): Promise<MountedFilesystem[]> {
    const stdout = await this.commands.zfs(['list', '-H', '-o', 'name,mountpoint,mounted', '-t', 'filesystem', '-r', root]);
    return stdout
      .split('\n')
      .map((line) => line.split('\t'))
      .filter(([name, mountpoint, mounted]) => name && mounted === 'yes' && mountpoint?.startsWith('/'))
      .map(([name, mountpoint]) => ({ name: name!, mountpoint: mountpoint! }));
  }

  /** Create `filesystem` unless it exists (with `properties` when created). */
  async ensureFilesystem(filesystem: string, properties: Record<string, string>): Promise<void> {
    try {
      await this.commands.zfs(['create', ...propertyArgs(properties), filesystem]);
    } catch (err) {
      if (!(err instanceof ZfsCommandError && /already exists/.test(err.detail))) throw err;
    }
  }

  /** Snapshot names (the part after `@`) of `filesystem` itself. */
  async snapshotNames(filesystem: string): Promise<string[]> {
    const stdout = await this.commands.zfs(['list', '-H', '-o', 'name', '-t', 'snapshot', '-d', '1', '-r', filesystem]);
    return stdout
      .split('\n')
      .filter((name) => name.startsWith(`${filesystem}@`))
      .map((name) => name.slice(filesystem.length + 1));
  }

  /** Take `filesystem@name`; false when a snapshot of that name already exists. */
  async snapshot(filesystem: string, name: string): Promise<boolean> {
    try {
      await this.commands.zfs(['snapshot', `${filesystem}@${name}`]);
      return true;
    } catch (err) {
      if (err instanceof ZfsCommandError && /already exists/.test(err.detail)) return false;
      throw err;
    }
  }

  /** The values of `properties` on `dataset` (exact numbers); unset user properties are left out. */
  async properties(dataset: string, properties: readonly string[]): Promise<Map<string, string>> {
    const rows = parsePropertyRows(await this.commands.zfs(['get', '-H', '-p', '-o', 'name,property,value,source', properties.join(','), dataset]));
    return new Map(rows.filter((row) => !isUnset(row)).map((row) => [row.property, row.value]));
  }

  /** `properties` of every dataset and snapshot at or below `root`. */
  async propertiesBelow(root: string, properties: readonly string[]): Promise<PropertyRow[]> {
    return parsePropertyRows(await this.commands.zfs(['get', '-H', '-p', '-r', '-o', 'name,property,value,source', properties.join(','), root])).filter(
      (row) => !isUnset(row),
    );
  }

  async setProperty(dataset: string, property: string, value: string): Promise<void> {
    await this.commands.zfs(['set', `${property}=${value}`, dataset]);
  }

  /** `zfs clone` of `snapshot` as `name`, mounted where `properties.mountpoint` says. */
  async clone(snapshot: string, name: string, properties: Record<string, string>): Promise<void> {
    await this.commands.zfs(['clone', ...propertyArgs(properties), snapshot, name]);
  }

  /**
   * Destroy a file system (unmounting it by force) and its snapshots; or one
   * snapshot; `withClones` destroys the clones of its snapshots too. A file system just read through FUSE stays busy for a moment after
   * its last file is closed, so "busy" is retried for a few seconds.
   */
  async destroy(dataset: string, options: { withClones?: boolean } = {}): Promise<void> {
    const args = dataset.includes('@') ? ['destroy', dataset] : ['destroy', '-f', options.withClones ? '-R' : '-r', dataset];
    for (let attempt = 1; ; attempt++) {
      try {
        await this.commands.zfs(args);
        return;
      } catch (err) {
        if (!(err instanceof ZfsCommandError && /dataset is busy/.test(err.detail)) || attempt >= BUSY_ATTEMPTS) throw err;
        await new Promise((resolve) => setTimeout(resolve, BUSY_PAUSE_MS * attempt));
      }
    }
  }
}

function propertyArgs(properties: Record<string, string>): string[] {
  return Object.entries(properties).flatMap(([key, value]) => ['-o', `${key}=${value}`]);
}

import { promises as fsp, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import {
  DataPathNotFoundError,
  MaterializeOptionsSchema,
  MaterializeTargetExistsError,
  parseInput,
  type CaptureOptions,
  type CaptureProgress,
  type DataStore,
  type MaterializeOptions,
  type VersionRef,
  type VersionStat,
} from '@dotscience/core';
import { refuseNonUtf8Path } from '@dotscience/core/store-kit';
import { durabilityWarnings, type ZfsDurabilityWarning } from './durability.js';
import { SnapshotClones } from './snapshot-clones.js';
import { clearSpecialModes } from './special-modes.js';
import {
  digestProperty,
  encodeSnapshotVersion,
  fullSnapshotName,
  RecordedVersionSchema,
  SNAPSHOT_PREFIX,
  snapshotVersionOf,
  versionProperty,
  type RecordedVersion,
  type SnapshotVersion,
} from './snapshot-version.js';
import { walkVersion, type WalkedVersion } from './version-walk.js';
import { DEFAULT_ZFS_PROGRAMS, ZfsCommands, type ZfsPrograms } from './zfs-command.js';
import { poolOf, ZfsDatasets, type MountedFilesystem } from './zfs-datasets.js';
import { PathNotOnZfsError, ZfsDatasetNotFoundError, ZfsSnapshotMissingError, ZfsVersionNotHeldError } from './zfs-errors.js';
import { collectZfsGarbage, type ZfsGcOptions, type ZfsGcResult } from './zfs-garbage-collection.js';

export interface ZfsDataStoreOptions {
  /** The root dataset (`pool/dataset`): paths on it or on a dataset below it are versioned by snapshots. */
  dataset: string;
  /** How `zfs`/`zpool` are run (argument vectors, never a shell); default plain `zfs` and `zpool`. */
  programs?: Partial<ZfsPrograms>;
  /** Where short-lived read clones are mounted; default the OS temp directory. */
  readDirectory?: string;
  /** Told once, on first use, about datasets with `sync=disabled`. */
  onWarning?: (warning: ZfsDurabilityWarning) => void;
}

const OptionsSchema = z.object({
  dataset: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*(\/[A-Za-z0-9_.:-]+)*$/, 'must name a ZFS dataset: <pool>/<dataset>'),
  programs: z.object({ zfs: z.array(z.string().min(1)).min(1).optional(), zpool: z.array(z.string().min(1)).min(1).optional() }).optional(),
  readDirectory: z.string().min(1).optional(),
  onWarning: z.custom<(w: ZfsDurabilityWarning) => void>((v) => typeof v === 'function', 'must be a function').optional(),
});
const PathSchema = z.string().min(1, 'must be a non-empty path');
const TargetSchema = z.string().min(1, 'must be a non-empty path');
/** ZFS snapshot names allow letters, digits and `_.:-`; anything else in a label becomes `-`. */
const snapshotLabel = (label: string | undefined): string => (label ?? 'capture').replace(/[^A-Za-z0-9_.:-]/g, '-').slice(0, 200) || 'capture';
const MAX_NAME_RACES = 10;

const isErrno = (err: unknown, code: string): boolean => (err as NodeJS.ErrnoException | undefined)?.code === code;

/**
 * A DataStore for paths on ZFS: a capture is one snapshot of the file system
 * holding the path (constant cost in the data's size; the digest is deferred
 * and computed from the snapshot on request), a materialize is a copy-on-write
 * clone mounted at the target (a whole file system) or a copy out of a
 * read-only clone (a path inside one), and `replicate` sends a version to
 * another dataset or pool with `zfs send | zfs receive`.
 */
export class ZfsDataStore implements DataStore {
  readonly kind = 'zfs';
  readonly digestsDeferred = true;
  readonly dataset: string;
  readonly datasets: ZfsDatasets;
  private readonly clones: SnapshotClones;
  private readonly onWarning: ((warning: ZfsDurabilityWarning) => void) | undefined;
  private opened: Promise<void> | undefined;

  constructor(options: ZfsDataStoreOptions) {
    const parsed = parseInput(OptionsSchema, options, 'ZFS data store options');
    this.dataset = parsed.dataset;
    this.datasets = new ZfsDatasets(new ZfsCommands({ ...DEFAULT_ZFS_PROGRAMS, ...parsed.programs }));
    this.clones = new SnapshotClones(this.datasets, this.dataset, resolve(parsed.readDirectory ?? tmpdir()));
    this.onWarning = parsed.onWarning;
  }

  /** Check the pool and dataset exist and report durability warnings (once; repeated after a failure). */
  open(): Promise<void> {
    this.opened ??= (async () => {
      await this.datasets.requireFilesystem(this.dataset);
      if (this.onWarning) for (const warning of await this.durabilityWarnings()) this.onWarning(warning);
    })().catch((err: unknown) => {
      this.opened = undefined;
      throw err;
    });
    return this.opened;
  }

  /** Datasets at or below the root with `sync=disabled`. */
  durabilityWarnings(): Promise<ZfsDurabilityWarning[]> {
    return durabilityWarnings(this.datasets, this.dataset);
  }

  /** The mountpoint of the root dataset: paths below it (and below its child datasets' mountpoints) belong to this store. */
  async mountpoints(): Promise<string[]> {
    await this.open();
    return (await this.datasets.mountedFilesystems(this.dataset)).map((f) => f.mountpoint);
  }

  /** True when `path` exists on a mounted file system at or below the root dataset (so `capture` takes it). */
  async holds(path: string): Promise<boolean> {
    const real = await fsp.realpath(resolve(path)).catch(() => undefined);
    if (real === undefined) return false;
    await this.open();
    return (await this.filesystemOf(real)) !== undefined;
  }

  async capture(path: string, options?: CaptureOptions): Promise<VersionRef> {
    const requested = parseInput(PathSchema, path, 'capture path');
    let real: string;
    try {
      real = await fsp.realpath(resolve(requested));
    } catch (err) {
      if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) throw new DataPathNotFoundError(requested);
      throw err;
    }
    refuseNonUtf8Path(real, () => realpathSync.native(resolve(requested), { encoding: 'buffer' }));
    await this.open();
    const filesystem = await this.filesystemHolding(real, requested);
    const relPath = relative(filesystem.mountpoint, real).split(sep).join('/');
    const snapshot = await this.takeSnapshot(filesystem.name, options?.label);
    const guid = (await this.datasets.properties(`${filesystem.name}@${snapshot}`, ['guid'])).get('guid')!;
    const version: SnapshotVersion = { pool: poolOf(filesystem.name), dataset: filesystem.name, snapshot, guid, path: relPath };
    const walked = await this.measure(version, real);
    const recorded: RecordedVersion = { path: relPath, kind: walked.kind, bytes: walked.bytes, files: walked.files };
    await this.datasets.setProperty(fullSnapshotName(version), versionProperty(relPath), JSON.stringify(recorded));
    // Nothing is copied: the snapshot holds every byte the moment it exists.
    const progress: CaptureProgress = { bytesDone: walked.bytes, bytesTotal: walked.bytes, filesDone: walked.files, filesTotal: walked.files };
    options?.onProgress?.(progress);
    return { store: this.kind, kind: walked.kind, bytes: walked.bytes, files: walked.files, snapshotId: encodeSnapshotVersion(version) };
  }

  /**
   * A whole file system comes back as a clone: with its captured modes, and
   * `setuid=off` unless `options.specialModes` (the kernel ignores setuid and
   * setgid bits there; walking it to clear them would cost the O(1) clone). A
   * path inside one is copied out and its special bits cleared unless asked.
   */
  async materialize(ref: VersionRef, targetPath: string, options: MaterializeOptions = {}): Promise<void> {
    const version = snapshotVersionOf(ref);
    const target = resolve(parseInput(TargetSchema, targetPath, 'materialize target'));
    const { specialModes = false } = parseInput(MaterializeOptionsSchema, options, 'materialize options');
    const existing = await fsp.lstat(target).catch((err: unknown) => (isErrno(err, 'ENOENT') ? undefined : Promise.reject(err)));
    if (existing) throw new MaterializeTargetExistsError(target);
    await this.open();
    const recorded = await this.requireVersion(version);
    const snapshot = fullSnapshotName(version);
    if (recorded.path === '' && recorded.kind === 'directory') {
      await this.clones.materialize(snapshot, target, `m-${version.snapshot}`, specialModes);
      return;
    }
    // A path inside a file system cannot be mounted on its own: copy it out of a read clone.
    await fsp.mkdir(dirname(target), { recursive: true });
    const staging = `${target}.ds-materialize-${process.pid}`;
    await this.clones.read(snapshot, async (root) => {
      const source = join(root, recorded.path);
      try {
        if (recorded.kind === 'file') await fsp.copyFile(source, staging);
        else await fsp.cp(source, staging, { recursive: true, verbatimSymlinks: true, errorOnExist: true, force: false });
        if (!specialModes) await clearSpecialModes(staging);
        await fsp.rename(staging, target);
      } catch (err) {
        await fsp.rm(staging, { recursive: true, force: true }).catch(() => undefined);
        throw err;
      }
    });
  }

  async has(ref: VersionRef): Promise<boolean> {
    return (await this.stat(ref)) !== undefined;
  }

  async stat(ref: VersionRef): Promise<VersionStat | undefined> {
    let version: SnapshotVersion;
    try {
      version = snapshotVersionOf(ref);
    } catch {
      return undefined;
    }
    const recorded = await this.recordedVersion(version).catch((err: unknown) => (err instanceof ZfsSnapshotMissingError ? undefined : Promise.reject(err)));
    return recorded === undefined ? undefined : { kind: recorded.kind, bytes: recorded.bytes, files: recorded.files };
  }

  /** The digest, computed from the snapshot the first time and then kept as a snapshot property. */
  async digestOf(ref: VersionRef): Promise<string> {
    const version = snapshotVersionOf(ref);
    await this.open();
    const recorded = await this.requireVersion(version);
    const snapshot = fullSnapshotName(version);
    const property = digestProperty(recorded.path);
    const known = (await this.datasets.properties(snapshot, [property])).get(property);
    if (known !== undefined) return known;
    const walked = await this.clones.read(snapshot, (root) =>
      walkVersion(join(root, recorded.path), true, recorded.path === '' ? snapshot : `${snapshot}/${recorded.path}`),
    );
    await this.datasets.setProperty(snapshot, property, walked.digest!);
    return walked.digest!;
  }

  /**
   * Send the version's snapshot to `dataset` (which must not exist yet) with
   * `zfs send -p | zfs receive`; `receiver` runs the receiving zfs (default
   * this machine's; e.g. `{ zfs: ['ssh', 'host', 'zfs'] }` for another's).
   * Returns the ref of the received copy: same snapshot name and guid, same bytes.
   */
  async replicate(ref: VersionRef, dataset: string, receiver?: Partial<ZfsPrograms>): Promise<VersionRef> {
    const version = snapshotVersionOf(ref);
    await this.open();
    await this.requireVersion(version);
    const receiving = receiver ? new ZfsCommands({ ...DEFAULT_ZFS_PROGRAMS, ...receiver }) : this.datasets.commands;
    await this.datasets.commands.sendReceive(['-p', fullSnapshotName(version)], receiving, [dataset]);
    const replica: SnapshotVersion = { ...version, pool: poolOf(dataset), dataset };
    return { ...ref, snapshotId: encodeSnapshotVersion(replica) };
  }

  /** Destroy the snapshots and clones dotscience made that no ref in `referenced` needs (`ds gc`). */
  async gc(referenced: readonly VersionRef[], options: ZfsGcOptions = {}): Promise<ZfsGcResult> {
    await this.open();
    return collectZfsGarbage(this.datasets, this.dataset, referenced, options);
  }

  /** Nothing to release: every clone is destroyed when its read ends. */
  async close(): Promise<void> {}

  /**
   * Totals of a just-taken snapshot, walked by core's scan rules. A refusal there
   * (a special file, a name that is not UTF-8) destroys the snapshot: a refused
   * capture leaves nothing behind.
   */
  private async measure(version: SnapshotVersion, shownAs: string): Promise<WalkedVersion> {
    const snapshot = fullSnapshotName(version);
    try {
      return await this.clones.read(snapshot, (root) => walkVersion(join(root, version.path), false, shownAs));
    } catch (err) {
      // If this fails too, the snapshot records no capture and `ds gc` removes it; the walk's error is the one to report.
      await this.datasets.destroy(snapshot).catch(() => undefined);
      throw err;
    }
  }

  /** The deepest mounted file system whose mountpoint contains `real`. */
  private async filesystemOf(real: string): Promise<MountedFilesystem | undefined> {
    return (await this.datasets.mountedFilesystems(this.dataset))
      .filter((f) => real === f.mountpoint || real.startsWith(f.mountpoint.endsWith(sep) ? f.mountpoint : f.mountpoint + sep))
      .sort((a, b) => b.mountpoint.length - a.mountpoint.length)[0];
  }

  private async filesystemHolding(real: string, requested: string): Promise<MountedFilesystem> {
    const holding = await this.filesystemOf(real);
    if (holding === undefined) throw new PathNotOnZfsError(requested, this.dataset);
    return holding;
  }

  /** `ds-<label>-<n>`, n one past the highest taken; a concurrent capture taking it first moves n on. */
  private async takeSnapshot(filesystem: string, label: string | undefined): Promise<string> {
    const prefix = `${SNAPSHOT_PREFIX}${snapshotLabel(label)}-`;
    const taken = (await this.datasets.snapshotNames(filesystem))
      .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
      .map((name) => Number(name.slice(prefix.length)));
    let counter = Math.max(0, ...taken) + 1;
    for (let race = 0; race < MAX_NAME_RACES; race++, counter++) {
      if (await this.datasets.snapshot(filesystem, `${prefix}${counter}`)) return `${prefix}${counter}`;
    }
    throw new Error(`could not name a snapshot of ${filesystem} after ${MAX_NAME_RACES} tries (${prefix}${counter})`);
  }

  /** What the capture recorded on the snapshot; the snapshot must be the captured one (same guid). */
  private async recordedVersion(version: SnapshotVersion): Promise<RecordedVersion | undefined> {
    const snapshot = fullSnapshotName(version);
    const property = versionProperty(version.path);
    let properties: Map<string, string>;
    try {
      properties = await this.datasets.properties(snapshot, ['guid', property]);
    } catch (err) {
      if (err instanceof ZfsDatasetNotFoundError) throw new ZfsSnapshotMissingError(snapshot, version.guid, 'destroyed');
      throw err;
    }
    if (properties.get('guid') !== version.guid) throw new ZfsSnapshotMissingError(snapshot, version.guid, 'replaced');
    const raw = properties.get(property);
    if (raw === undefined) return undefined;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return undefined;
    }
    const recorded = RecordedVersionSchema.safeParse(json);
    return recorded.success && recorded.data.path === version.path ? recorded.data : undefined;
  }

  private async requireVersion(version: SnapshotVersion): Promise<RecordedVersion> {
    const recorded = await this.recordedVersion(version);
    if (recorded === undefined) {
      throw new ZfsVersionNotHeldError(
        fullSnapshotName(version),
        `the snapshot records no capture of ${version.path === '' ? 'its whole file system' : version.path}`,
      );
    }
    return recorded;
  }
}

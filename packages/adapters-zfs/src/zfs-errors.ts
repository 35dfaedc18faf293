import { DotscienceError } from '@dotscience/core';

/** The `zfs`/`zpool` program could not be started (not installed, or not on PATH). */
export class ZfsNotInstalledError extends DotscienceError {
  readonly code = 'ZFS_NOT_INSTALLED';
  constructor(readonly program: string) {
    super(
      `cannot run ${program}: it is not installed or not on PATH — install ZFS (OpenZFS, or zfs-fuse on Debian) or use the fs data store (unset DOTSCIENCE_DATA)`,
    );
  }
}

/** The ZFS programs are installed but cannot reach ZFS (the zfs-fuse daemon is not running, or the kernel module is not loaded). */
export class ZfsUnavailableError extends DotscienceError {
  readonly code = 'ZFS_UNAVAILABLE';
  constructor(
    readonly command: string,
    readonly detail: string,
  ) {
    super(
      `${command} cannot reach ZFS (${detail}) — start the zfs-fuse daemon as root, or load the zfs kernel module (modprobe zfs), or use the fs data store (unset DOTSCIENCE_DATA)`,
    );
  }
}

/** The ZFS command was refused for lack of privileges. */
export class ZfsPermissionError extends DotscienceError {
  readonly code = 'ZFS_PERMISSION_DENIED';
  constructor(
    readonly command: string,
    readonly detail: string,
  ) {
    super(
      `${command} was refused: permission denied (${detail}) — run as root, delegate with "zfs allow <user> snapshot,clone,create,destroy,mount,send,receive,userprop <dataset>", or configure the zfs command as ["sudo", "-n", "zfs"]`,
    );
  }
}

/** The pool named by the configuration does not exist (not imported, or misspelt). */
export class ZfsPoolNotFoundError extends DotscienceError {
  readonly code = 'ZFS_POOL_NOT_FOUND';
  constructor(readonly pool: string) {
    super(`ZFS pool ${pool} does not exist — import it (zpool import ${pool}) or fix DOTSCIENCE_DATA=zfs:<pool>/<dataset>`);
  }
}

/** The dataset named by the configuration does not exist in its pool. */
export class ZfsDatasetNotFoundError extends DotscienceError {
  readonly code = 'ZFS_DATASET_NOT_FOUND';
  constructor(readonly dataset: string) {
    super(`ZFS dataset ${dataset} does not exist — create it (zfs create ${dataset}) or fix DOTSCIENCE_DATA=zfs:<pool>/<dataset>`);
  }
}

/** A path given to the ZFS data store is not on a mounted dataset at or below the configured one. */
export class PathNotOnZfsError extends DotscienceError {
  readonly code = 'DATA_PATH_NOT_ON_ZFS';
  constructor(
    readonly path: string,
    readonly dataset: string,
  ) {
    super(`${path} is not on ZFS dataset ${dataset} (nor a dataset below it) — move the data under its mountpoint, or capture it with the fs data store`);
  }
}

/** A version's snapshot is gone (destroyed out of band) or was replaced by another with the same name. */
export class ZfsSnapshotMissingError extends DotscienceError {
  readonly code = 'ZFS_SNAPSHOT_MISSING';
  constructor(
    readonly snapshot: string,
    readonly guid: string,
    readonly reason: 'destroyed' | 'replaced',
  ) {
    super(
      reason === 'destroyed'
        ? `ZFS snapshot ${snapshot} (guid ${guid}) no longer exists — it was destroyed outside dotscience; the version cannot be restored from this pool (receive it from a replica if one holds it)`
        : `ZFS snapshot ${snapshot} exists but is not the captured one (guid ${guid} expected) — it was destroyed and re-created outside dotscience; the captured version is lost from this pool`,
    );
  }
}

/** A ref this store cannot read: not a ZFS version, or its snapshot id is malformed. */
export class ZfsVersionNotHeldError extends DotscienceError {
  readonly code = 'ZFS_VERSION_NOT_HELD';
  constructor(
    readonly version: string,
    readonly reason: string,
  ) {
    super(`version ${version} is not held by the ZFS data store: ${reason} — materialize it with the store that captured it`);
  }
}

/** Any other failure of a zfs/zpool command, with its own message. */
export class ZfsCommandError extends DotscienceError {
  readonly code = 'ZFS_COMMAND_FAILED';
  constructor(
    readonly command: string,
    readonly detail: string,
  ) {
    super(`${command} failed: ${detail}`);
  }
}

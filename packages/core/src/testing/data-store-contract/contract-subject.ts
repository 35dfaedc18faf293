import type { VersionRef } from '../../events/catalogue.js';
import type { CaptureProgress, DataStore } from '../../ports/data-store.js';
import type { DataWorkspace } from '../data-workspace.js';

export interface DataStoreFixture {
  store: DataStore;
  /** Remove everything the store wrote (its objects, snapshots, temp files). */
  cleanup: () => Promise<void>;
  /**
   * Where the contract writes the data it captures (default: the OS temp
   * directory). A store that versions only paths on its own file system (ZFS:
   * the mountpoint of its dataset) names a directory there.
   */
  workspaceDirectory?: string;
  /**
   * A comparable picture of everything the store holds (its directory's files, its
   * snapshots and datasets): a refused capture must leave it equal.
   */
  storedState: () => Promise<unknown>;
}

/** What each part of the DataStore contract works with: the test's store and workspace, and the checks every capture gets. */
export interface DataContractSubject {
  readonly fixture: DataStoreFixture;
  readonly store: DataStore;
  readonly ws: DataWorkspace;
  /** Capture `rel` (in the workspace) and check what every ref must satisfy, whatever it holds. */
  capture(rel: string, onProgress?: (p: CaptureProgress) => void): Promise<VersionRef>;
  /** The digest of a capture of `rel`. */
  digestOf(rel: string): Promise<string>;
  /** Check `ref` against the version of `rel` computed from its files. */
  expectVersion(ref: VersionRef, rel: string): Promise<void>;
  /** A ref of `kind` the store never captured. */
  unknownRef(kind: 'file' | 'directory'): VersionRef;
}

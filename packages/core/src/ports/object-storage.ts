/** An object's bytes as stored, with their length. */
export interface StoredObject {
  size: number;
  stream: NodeJS.ReadableStream;
}

/**
 * Object-level access to a content-addressed data store, for replication: the
 * hub receives uploads through it and push/pull copy objects with it. A digest
 * is `sha256:<hex>`; an object's content is a file's bytes or a directory's
 * canonical manifest text (`data/manifest.ts`). A data store that hands out
 * objects is bound to this token too (the fs store, the hub client); one that
 * cannot (ZFS, a per-path mix) is not. The `objectStorageContract` suite in
 * `@dotscience/core/testing` checks every implementation.
 */
export interface ObjectStorage {
  hasObject(digest: string): Promise<boolean>;
  /** The object's bytes as a stream, or undefined when absent. */
  readObject(digest: string): Promise<StoredObject | undefined>;
  /**
   * Store an object, verified against `digest` before it is kept (content that does
   * not hash to it is refused and nothing is kept); false when it was already there.
   */
  writeObject(digest: string, content: AsyncIterable<Uint8Array>): Promise<boolean>;
}

export const ObjectStorage = Symbol.for('dotscience.ObjectStorage');

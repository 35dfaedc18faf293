import { text } from 'node:stream/consumers';
import { basename } from 'node:path';
import { DotscienceError, ManifestSchema, parseInput, versionFiles, type VersionFile, type VersionRef } from '@dotscience/core';
import type { Dotscience } from '../composition-root.js';

/** A version's file list cannot be read here: the data store hands out no manifests (ZFS, a per-path mix), or a manifest is missing. */
export class VersionNotListableError extends DotscienceError {
  readonly code = 'VERSION_NOT_LISTABLE';
}

/** The files of a data version, from its manifests in this store's objects. `path`: the path it was captured from (names a single-file version). */
export async function filesOfVersion(ds: Dotscience, ref: VersionRef, path: string | null): Promise<VersionFile[]> {
  const objects = ds.objects;
  if (!objects)
    throw new VersionNotListableError(
      'this data store does not hand out manifests (ZFS data or a per-path mix): list the files of a materialized copy instead',
    );
  if (ref.digest === undefined)
    throw new VersionNotListableError('the version was captured without a digest (ZFS defers them): its files cannot be listed from manifests');
  return versionFiles(ref, basename(path ?? 'data'), async (digest) => {
    const object = await objects.readObject(digest);
    if (!object) throw new VersionNotListableError(`manifest ${digest} is missing from the data store; run ds audit verify`);
    return parseInput(ManifestSchema, JSON.parse(await text(object.stream)), `manifest ${digest}`);
  });
}

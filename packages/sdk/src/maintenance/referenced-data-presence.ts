import type { DataStore } from '@dotscience/core';
import type { Dotscience } from '../composition-root.js';
import { PathRoutedDataStore } from '../data-routing/index.js';
import { versionReferences, type VersionReference } from './referenced-versions.js';

/** A data version an event refers to that the data stores cannot give back. */
export interface MissingVersion {
  /** The first event referring to it. */
  stream: string;
  revision: number;
  position: number;
  store: string;
  kind: 'file' | 'directory';
  digest?: string;
  snapshotId?: string;
  reason: string;
}

export interface DataPresenceReport {
  /** Distinct data versions the events refer to. */
  versionsReferenced: number;
  missing: MissingVersion[];
}

/** The data stores of an opened Dotscience: the store itself, or each store of a per-path mix. */
export function dataStoresOf(ds: Pick<Dotscience, 'data'>): DataStore[] {
  return ds.data instanceof PathRoutedDataStore ? ds.data.stores : [ds.data];
}

/**
 * Whether every data version the log refers to (inputs, outputs, models,
 * workload logs: any VersionRef in any event) is still held by the data store
 * of its kind — all its objects, manifests included — so `ds reproduce` and
 * `materialize` can give it back. Asks each store `has` once per version: no
 * bytes are read (rehashing is `verifyDataObjects`).
 */
export async function checkReferencedData(ds: Dotscience): Promise<DataPresenceReport> {
  const stores = new Map(dataStoresOf(ds).map((s) => [s.kind, s]));
  const references = await versionReferences(ds.events);
  const missing: MissingVersion[] = [];
  for (const reference of references) {
    const reason = await absence(stores.get(reference.ref.store), reference);
    if (reason !== undefined) missing.push(missingVersion(reference, reason));
  }
  return { versionsReferenced: references.length, missing };
}

async function absence(store: DataStore | undefined, { ref }: VersionReference): Promise<string | undefined> {
  if (store === undefined) return `no data store of kind ${ref.store} is configured`;
  try {
    return (await store.has(ref)) ? undefined : `not in the ${ref.store} data store (or not all of its objects)`;
  } catch (error) {
    return `the ${ref.store} data store cannot read it: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function missingVersion({ ref, stream, revision, position }: VersionReference, reason: string): MissingVersion {
  return {
    stream,
    revision,
    position,
    store: ref.store,
    kind: ref.kind,
    ...(ref.digest === undefined ? {} : { digest: ref.digest }),
    ...(ref.snapshotId === undefined ? {} : { snapshotId: ref.snapshotId }),
    reason,
  };
}

import type { ObjectStore } from './object-store.js';
import type { HashPool } from './hash-pool.js';
import { ingestFiles } from './ingestion.js';

export interface CorruptObject {
  /** The digest the object is stored under. */
  digest: string;
  path: string;
  /** The digest of the bytes actually there. */
  actual: string;
}

export interface VerifyResult {
  objectsChecked: number;
  bytesChecked: number;
  corrupt: CorruptObject[];
}

/** Rehash every stored object (on every core when that pays) and report each whose bytes do not match its name. */
export async function verifyObjects(objects: ObjectStore, pool: HashPool, useWorkers: boolean | undefined): Promise<VerifyResult> {
  const hexes: string[] = [];
  for await (const hex of objects.list()) hexes.push(hex);
  const requests = await Promise.all(hexes.map(async (hex) => ({ path: objects.pathOf(hex), size: (await objects.size(hex)) ?? 0 })));
  const { results, tally } = await ingestFiles(requests, undefined, pool, { useWorkers, onProgress: () => {} });
  const corrupt = results.flatMap((r, i) =>
    r.hex === hexes[i] ? [] : [{ digest: `sha256:${hexes[i]!}`, path: requests[i]!.path, actual: `sha256:${r.hex}` }],
  );
  return { objectsChecked: hexes.length, bytesChecked: tally.bytesRead, corrupt };
}

import type { Manifest, VersionRef } from '@dotscience/core';
import { DataVersionNotFoundError, MissingDigestError } from './data-store-errors.js';
import { hexOf, type ObjectStore } from './object-store.js';

/** A directory version with every manifest below it loaded. */
export interface VersionTree {
  hex: string;
  manifest: Manifest;
  subdirectories: Map<string, VersionTree>;
}

/** The hex digest a ref names, or a typed error when the ref has none. */
export function refHex(ref: VersionRef): string {
  if (ref.digest === undefined) throw new MissingDigestError(ref.store);
  return hexOf(ref.digest);
}

/** Load the manifest `hex` and all manifests below it; a missing one is a DataVersionNotFoundError naming it. */
export async function loadTree(objects: ObjectStore, hex: string, rootHex = hex): Promise<VersionTree> {
  const manifest = await objects.readManifest(hex);
  if (!manifest) {
    const detail = hex === rootHex ? '' : `its sub-directory manifest sha256:${hex} is missing`;
    throw new DataVersionNotFoundError(`sha256:${rootHex}`, objects.directory, detail);
  }
  const subdirectories = new Map<string, VersionTree>();
  await Promise.all(
    manifest.entries.filter((e) => e.type === 'directory').map(async (e) => subdirectories.set(e.name, await loadTree(objects, hexOf(e.digest), rootHex))),
  );
  return { hex, manifest, subdirectories };
}

/** Every object a version needs: its manifests and its files' contents. */
export function objectsOf(tree: VersionTree, out = new Set<string>()): Set<string> {
  out.add(tree.hex);
  for (const entry of tree.manifest.entries) if (entry.type === 'file') out.add(hexOf(entry.digest));
  for (const sub of tree.subdirectories.values()) objectsOf(sub, out);
  return out;
}

export function fileCount(tree: VersionTree): number {
  let files = tree.manifest.entries.filter((e) => e.type === 'file').length;
  for (const sub of tree.subdirectories.values()) files += fileCount(sub);
  return files;
}

/** Bytes of the regular files in the version: symlink targets count nothing (a sub-directory's size already follows this rule). */
export function totalBytes(tree: VersionTree): number {
  return tree.manifest.entries.reduce((sum, e) => (e.type === 'symlink' ? sum : sum + e.size), 0);
}

/** Load a ref's tree and check that every object it needs is present. */
export async function loadComplete(objects: ObjectStore, ref: VersionRef): Promise<VersionTree | { hex: string; size: number }> {
  const hex = refHex(ref);
  if (ref.kind === 'file') {
    const size = await objects.size(hex);
    if (size === undefined) throw new DataVersionNotFoundError(`sha256:${hex}`, objects.directory);
    return { hex, size };
  }
  const tree = await loadTree(objects, hex);
  const needed = [...objectsOf(tree)];
  const present = await Promise.all(needed.map((h) => objects.has(h)));
  const missing = needed.find((_, i) => !present[i]);
  if (missing !== undefined) throw new DataVersionNotFoundError(`sha256:${hex}`, objects.directory, `its object sha256:${missing} is missing`);
  return tree;
}

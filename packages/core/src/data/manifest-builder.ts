import { createHash } from 'node:crypto';
import { makeManifest, manifestDigest, sha256Digest, type Manifest, type ManifestEntry } from './manifest.js';
import { utf8Length } from './name-encoding.js';
import type { ScannedDirectory, ScannedFile, ScannedRoot } from './tree-scan.js';

/** A regular file's content as the store read it. */
export interface FileContent {
  /** sha256:<hex> of its bytes. */
  digest: string;
  /** Bytes read (what the manifest records, even if the file changed size since it was scanned). */
  size: number;
}

/** The content of a file read as a stream of chunks (e.g. Node's `createReadStream(path)`): its sha256 and length. */
export async function hashContent(chunks: AsyncIterable<Uint8Array>): Promise<FileContent> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { digest: `sha256:${hash.digest('hex')}`, size };
}

/** What a capture reports: the digest and the totals of regular files (symlinks and directories add nothing). */
export interface BuiltVersion {
  kind: 'file' | 'directory';
  digest: string;
  bytes: number;
  files: number;
}

export interface ManifestBuildSteps<F> {
  /** The content of a scanned file (hashed already, or taken from a cache). */
  contentOf(file: ScannedFile<F>): FileContent;
  /**
   * Called once per directory, bottom-up, with its manifest: keep it if the store
   * keeps manifests and return its digest. Default: `manifestDigest(manifest)`;
   * a store must return that same digest (it may have remembered it).
   */
  sealDirectory?(dir: ScannedDirectory<F>, manifest: Manifest): string | Promise<string>;
}

/** An entry plus what it adds to its directory's totals. */
type BuiltEntry = ManifestEntry & { files: number; bytes: number };

async function buildDirectory<F>(dir: ScannedDirectory<F>, steps: ManifestBuildSteps<F>): Promise<BuiltVersion> {
  const built = await Promise.all(
    dir.children.map((child): BuiltEntry | Promise<BuiltEntry> => {
      if (child.type === 'file') {
        const { digest, size } = steps.contentOf(child);
        return { name: child.name, type: 'file', mode: child.mode, size, digest, files: 1, bytes: size };
      }
      if (child.type === 'symlink') {
        const { name, mode, target } = child;
        return { name, type: 'symlink', mode, size: utf8Length(target), digest: sha256Digest(target), target, files: 0, bytes: 0 };
      }
      return buildDirectory(child, steps).then(({ digest, bytes, files }): BuiltEntry => ({
        name: child.name,
        type: 'directory',
        mode: child.mode,
        size: bytes,
        digest,
        files,
        bytes,
      }));
    }),
  );
  const manifest = makeManifest(built.map(({ files: _files, bytes: _bytes, ...entry }) => entry));
  const digest = steps.sealDirectory ? await steps.sealDirectory(dir, manifest) : manifestDigest(manifest);
  return {
    kind: 'directory',
    digest,
    bytes: built.reduce((sum, e) => sum + e.bytes, 0),
    files: built.reduce((sum, e) => sum + e.files, 0),
  };
}

/**
 * The version of a scanned tree by the one rule every DataStore shares: a file
 * is the sha256 of its bytes; a directory is `manifestDigest` of its Merkle
 * manifest (entries sorted by name with type, permission bits, size and digest;
 * a sub-directory by its own manifest's digest and the bytes of the files below
 * it; a symlink by its target text, its size the target's UTF-8 length).
 */
export async function buildVersion<F>(node: ScannedRoot<F>, steps: ManifestBuildSteps<F>): Promise<BuiltVersion> {
  if (node.type === 'directory') return buildDirectory(node, steps);
  const { digest, size } = steps.contentOf(node);
  return { kind: 'file', digest, bytes: size, files: 1 };
}

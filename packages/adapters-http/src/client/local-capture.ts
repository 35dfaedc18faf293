import * as fs from 'node:fs';
import { type CaptureProgress, type FileContent } from '@dotscience/core';
import { buildVersion, hashContent, fileSystemTree, filesOf, manifestText, scanTree, sha256Digest } from '@dotscience/core/store-kit';

/** Where an object's bytes come from when it is uploaded. */
export type ObjectSource = { file: string; size: number } | { text: string };

/** A captured version, hashed locally: its digest, totals, and every object it is made of. */
export interface LocalVersion {
  kind: 'file' | 'directory';
  digest: string;
  bytes: number;
  files: number;
  /** digest → where its bytes are (file contents and manifests). */
  objects: Map<string, ObjectSource>;
}

const fileContent = (path: string): Promise<FileContent> => hashContent(fs.createReadStream(path));

/** The local file system as core's scan reads it. */
const localTree = fileSystemTree(fs, () => new Promise((resolve) => setImmediate(resolve)));

/**
 * Hash a file or directory the way every DataStore does (core's scan and
 * manifest rules: symlinks by target text and never followed; special files
 * and names that are not UTF-8 refused before anything is read or sent),
 * without copying anything: the objects are named with where to read them
 * from, for an upload of those the hub lacks.
 */
export async function captureLocally(path: string, onProgress?: (progress: CaptureProgress) => void): Promise<LocalVersion> {
  const { node } = await scanTree(localTree, path);
  const files = filesOf(node);
  const done = { bytesDone: 0, filesDone: 0, bytesTotal: files.reduce((sum, f) => sum + f.size, 0), filesTotal: files.length };
  onProgress?.({ ...done });

  const objects = new Map<string, ObjectSource>();
  const contents = new Map<(typeof files)[number], FileContent>();
  for (const file of files) {
    const content = await fileContent(file.path);
    contents.set(file, content);
    objects.set(content.digest, { file: file.path, size: content.size });
    done.bytesDone = Math.min(done.bytesTotal, done.bytesDone + content.size);
    done.filesDone += 1;
    onProgress?.({ ...done });
  }
  const version = await buildVersion(node, {
    contentOf: (file) => contents.get(file)!,
    sealDirectory: (_dir, manifest) => {
      const text = manifestText(manifest);
      const digest = sha256Digest(text);
      objects.set(digest, { text });
      return digest;
    },
  });
  if (done.bytesDone !== version.bytes || done.bytesTotal !== version.bytes) {
    onProgress?.({ bytesDone: version.bytes, bytesTotal: version.bytes, filesDone: version.files, filesTotal: version.files });
  }
  return { ...version, objects };
}

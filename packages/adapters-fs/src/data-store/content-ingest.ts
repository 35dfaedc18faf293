import type * as NodeFs from 'node:fs';
import type { createHash as CreateHash } from 'node:crypto';

/** One file to hash; with `objectsDir` and `tempPath` it is also copied into the object store in the same pass. */
export interface IngestJob {
  source: string;
  /** `<store>/objects/sha256`; absent → hash only (verify). */
  objectsDir?: string;
  /** A temp path on the same file system as `objectsDir`. */
  tempPath?: string;
}

export interface IngestResult {
  /** Hex sha256 of the bytes read. */
  hex: string;
  bytes: number;
  /** True when this call added the object (it was not in the store yet). */
  stored: boolean;
}

/**
 * Read `job.source` once in fixed-size chunks, hashing every chunk and (when
 * ingesting) writing it to a temp file; then, if the object is new, fsync the
 * temp file and rename it to `<objectsDir>/<hex[0..2]>/<hex[2..]>` (read-only),
 * else drop it. A half-written object never appears under its final name.
 *
 * This function is also run inside hash workers from its source text
 * (`Function.prototype.toString`), so it is self-contained: everything it uses
 * comes in through its parameters.
 */
export function ingestFileSync(
  fs: typeof NodeFs,
  createHash: typeof CreateHash,
  job: IngestJob,
  chunk: Buffer,
  onBytes: (bytes: number) => void,
): IngestResult {
  const hash = createHash('sha256');
  const input = fs.openSync(job.source, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  const ingesting = job.objectsDir !== undefined && job.tempPath !== undefined;
  let output = -1;
  let bytes = 0;
  try {
    if (ingesting) output = fs.openSync(job.tempPath as string, 'wx', 0o444);
    for (;;) {
      const n = fs.readSync(input, chunk, 0, chunk.length, null);
      if (n === 0) break;
      const piece = n === chunk.length ? chunk : chunk.subarray(0, n);
      hash.update(piece);
      if (output !== -1) {
        let written = 0;
        while (written < n) written += fs.writeSync(output, piece, written, n - written);
      }
      bytes += n;
      onBytes(n);
    }
    const hex = hash.digest('hex');
    if (output === -1) return { hex, bytes, stored: false };
    const fanOut = `${job.objectsDir as string}/${hex.slice(0, 2)}`;
    const finalPath = `${fanOut}/${hex.slice(2)}`;
    if (fs.existsSync(finalPath)) {
      fs.closeSync(output);
      output = -1;
      fs.unlinkSync(job.tempPath as string);
      return { hex, bytes, stored: false };
    }
    fs.fsyncSync(output);
    fs.closeSync(output);
    output = -1;
    fs.mkdirSync(fanOut, { recursive: true });
    fs.renameSync(job.tempPath as string, finalPath);
    return { hex, bytes, stored: true };
  } catch (error) {
    if (output !== -1) fs.closeSync(output);
    if (ingesting) fs.rmSync(job.tempPath as string, { force: true });
    throw error;
  } finally {
    fs.closeSync(input);
  }
}

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

export type IngestOutcome = { ok: true; value: IngestResult } | { ok: false; code?: string; message: string };

/**
 * Ingest a batch of files. Each file is read once in `chunk`-sized pieces that
 * are hashed and (when ingesting) written to a temp file; a new object's temp
 * file is then fsync'ed and renamed to `<objectsDir>/<hex[0..2]>/<hex[2..]>`
 * (read-only) on the libuv pool while the next file is being hashed, so disk
 * flushes overlap hashing. An object already stored just drops its temp file. A
 * half-written object never appears under its final name.
 *
 * Runs both in this thread and inside hash workers from its source text
 * (`Function.prototype.toString`), so it is self-contained: everything it uses
 * comes in through its parameters.
 */
export async function ingestBatch(
  fs: typeof NodeFs,
  createHash: typeof CreateHash,
  jobs: readonly IngestJob[],
  chunk: Buffer,
  /** Called with (bytes, 0) as bytes are read and (0, 1) as each file completes. */
  onProgress: (bytes: number, files: number) => void,
): Promise<IngestOutcome[]> {
  const maxPendingCommits = 32;
  const pending = new Set<Promise<void>>();
  const outcomes: IngestOutcome[] = [];
  const failed = (error: unknown): IngestOutcome => {
    const e = error as { code?: string; message?: string };
    return { ok: false, code: e && e.code, message: String(e && e.message) };
  };

  const commit = (fd: number, temp: string, fanOut: string, finalPath: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      fs.fsync(fd, (syncError) => {
        fs.close(fd, () => {
          if (syncError) return fs.rm(temp, { force: true }, () => reject(syncError));
          fs.mkdir(fanOut, { recursive: true, mode: 0o700 }, (mkdirError) => {
            // STORE_DIRECTORY_MODE (no imports here: see above)
            if (mkdirError) return fs.rm(temp, { force: true }, () => reject(mkdirError));
            fs.rename(temp, finalPath, (renameError) => (renameError ? fs.rm(temp, { force: true }, () => reject(renameError)) : resolve()));
          });
        });
      });
    });

  for (const job of jobs) {
    const temp = job.objectsDir !== undefined ? job.tempPath : undefined;
    let input = -1;
    let output = -1;
    try {
      input = fs.openSync(job.source, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
      if (temp !== undefined) output = fs.openSync(temp, 'wx', 0o400); // STORE_OBJECT_MODE
      const hash = createHash('sha256');
      let bytes = 0;
      for (;;) {
        const n = fs.readSync(input, chunk, 0, chunk.length, null);
        if (n === 0) break;
        const piece = n === chunk.length ? chunk : chunk.subarray(0, n);
        hash.update(piece);
        for (let written = 0; output !== -1 && written < n;) written += fs.writeSync(output, piece, written, n - written);
        bytes += n;
        onProgress(n, 0);
      }
      fs.closeSync(input);
      input = -1;
      const hex = hash.digest('hex');
      const fanOut = `${job.objectsDir}/${hex.slice(0, 2)}`;
      const finalPath = `${fanOut}/${hex.slice(2)}`;
      if (output === -1 || fs.existsSync(finalPath)) {
        if (output !== -1) fs.closeSync(output);
        if (temp !== undefined) fs.unlinkSync(temp);
        outcomes.push({ ok: true, value: { hex, bytes, stored: false } });
        onProgress(0, 1);
        continue;
      }
      const index = outcomes.length;
      outcomes.push({ ok: true, value: { hex, bytes, stored: true } });
      const committing: Promise<void> = commit(output, temp as string, fanOut, finalPath).then(
        () => void pending.delete(committing),
        (error: unknown) => {
          pending.delete(committing);
          outcomes[index] = failed(error);
        },
      );
      output = -1;
      pending.add(committing);
      onProgress(0, 1);
      if (pending.size >= maxPendingCommits) await Promise.race(pending);
    } catch (error) {
      if (input !== -1) fs.closeSync(input);
      if (output !== -1) fs.closeSync(output);
      if (temp !== undefined) fs.rmSync(temp, { force: true });
      outcomes.push(failed(error));
      onProgress(0, 1);
    }
  }
  await Promise.all(pending);
  return outcomes;
}

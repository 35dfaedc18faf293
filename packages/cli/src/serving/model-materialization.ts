import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DotscienceError, type Dotscience, type ModelVersionView } from '@dotscience/sdk';

/** The files written for a model version do not have its recorded digest (the store's copy is damaged). */
export class ModelDigestMismatchError extends DotscienceError {
  readonly code = 'MODEL_DIGEST_MISMATCH';
  constructor(model: string, expected: string, found: string) {
    super(`the files written for ${model} have digest ${found}, not the recorded ${expected}: nothing was written; run ds audit verify`);
  }
}

/**
 * Write model version `version` of `name` at `target` (which must not exist), only once
 * its digest is verified: it is materialized beside the target, captured again (its
 * content is in the store already, so nothing new is stored) and compared with the
 * recorded digest, then renamed into place.
 */
export async function materializeModelVersion(ds: Dotscience, name: string, version: ModelVersionView, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const scratch = await mkdtemp(join(dirname(target), `.${basename(target)}-`));
  try {
    const written = join(scratch, 'version');
    await ds.data.materialize(version.ref, written);
    const digest = (await ds.data.capture(written)).digest;
    if (version.ref.digest !== undefined && digest !== version.ref.digest) {
      throw new ModelDigestMismatchError(`${name}@${version.version}`, version.ref.digest, digest ?? 'none');
    }
    await rename(written, target);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** Where a model version's files go under `directory`: the directory itself for a directory version, else the file's declared name inside it. */
export function modelTargetIn(directory: string, name: string, version: ModelVersionView): string {
  return version.ref.kind === 'directory' ? directory : join(directory, basename(version.path ?? name));
}

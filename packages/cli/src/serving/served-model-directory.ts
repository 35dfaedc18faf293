import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DotscienceError, parseInput } from '@dotscience/sdk';
import { z } from 'zod';

/** What ds deploy writes beside the model file (`model/serving.json`): which version it is and its digest. */
export const ServingManifestSchema = z.object({
  name: z.string().min(1),
  version: z.number().int().positive(),
  digest: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  framework: z.string().min(1),
  file: z
    .string()
    .min(1)
    .refine((f) => !f.includes('/') && f !== '..', 'must be a file name inside the directory'),
});
export type ServingManifest = z.infer<typeof ServingManifestSchema>;

export const SERVING_MANIFEST = 'serving.json';

/** The model file in a served directory does not have the digest its manifest pins. */
export class ServedModelDigestError extends DotscienceError {
  readonly code = 'MODEL_DIGEST_MISMATCH';
}

/** Read `dir/serving.json` and check the model file's sha256 against the digest it pins; the manifest and the file's path. */
export async function servedModelDirectory(dir: string): Promise<{ manifest: ServingManifest; file: string }> {
  const manifest = parseInput(ServingManifestSchema, JSON.parse(await readFile(join(dir, SERVING_MANIFEST), 'utf8')), `${join(dir, SERVING_MANIFEST)}`);
  const file = join(dir, manifest.file);
  const digest = `sha256:${createHash('sha256')
    .update(await readFile(file))
    .digest('hex')}`;
  if (digest !== manifest.digest)
    throw new ServedModelDigestError(
      `${file} has digest ${digest}, not ${manifest.digest} that ${SERVING_MANIFEST} pins for ${manifest.name}@${manifest.version}: refusing to serve it`,
    );
  return { manifest, file };
}

import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { DotscienceError } from '@dotscience/sdk';

/** A file given as ds's release tarball that is not one: `code` says what is wrong. */
export class DsPackageError extends DotscienceError {
  readonly code = 'DS_PACKAGE_INVALID';
}

/** What `pnpm pack:release` writes as `package/package.json` of the CLI tarball (D89). */
const ReleaseManifestSchema = z.object({
  name: z.literal('@dotscience/cli'),
  version: z.string().min(1),
  bin: z.object({ ds: z.string().min(1) }),
});

/** ds's release tarball (`dotscience-cli-<version>.tgz`), read: its version and its bytes, to copy beside a Dockerfile that installs it. */
export interface DsReleasePackage {
  version: string;
  /** The name npm pack gives it: `dotscience-cli-<version>.tgz`. */
  fileName: string;
  bytes: Buffer;
}

/** The bytes of `wanted` inside a tar archive (ustar: 512-byte headers, names with an optional prefix), or undefined. */
function tarEntry(archive: Buffer, wanted: string): Buffer | undefined {
  const text = (from: number, length: number): string => archive.toString('utf8', from, from + length).replace(/\0.*$/s, '');
  for (let at = 0; at + 512 <= archive.length;) {
    const name = text(at, 100);
    if (name === '') return undefined;
    const size = parseInt(text(at + 124, 12).trim() || '0', 8);
    const prefix = archive.toString('utf8', at + 257, at + 263) === 'ustar\0' || text(at + 257, 5) === 'ustar' ? text(at + 345, 155) : '';
    const path = prefix === '' ? name : `${prefix}/${name}`;
    if (path === wanted) return archive.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

/** Read `path` as ds's release tarball; throws a DsPackageError naming what is wrong and what to give instead. */
export async function readDsReleasePackage(path: string): Promise<DsReleasePackage> {
  const fix = 'give --ds-package the dotscience-cli-<version>.tgz that `pnpm pack:release` writes (in the dotscience repository: release/)';
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new DsPackageError(`--ds-package ${path}: cannot read it (${error.code ?? error.message}); ${fix}`);
  });
  let manifest: unknown;
  try {
    const entry = tarEntry(gunzipSync(bytes), 'package/package.json');
    if (!entry) throw new Error('it holds no package/package.json');
    manifest = JSON.parse(entry.toString('utf8'));
  } catch (error) {
    throw new DsPackageError(`--ds-package ${path} is not an npm package tarball (${(error as Error).message}); ${fix}`);
  }
  const parsed = ReleaseManifestSchema.safeParse(manifest);
  if (!parsed.success) {
    const problem = parsed.error.issues[0]!;
    throw new DsPackageError(`--ds-package ${path} is not ds's release package (package.json ${problem.path.join('.')}: ${problem.message}); ${fix}`);
  }
  return { version: parsed.data.version, fileName: `dotscience-cli-${parsed.data.version}.tgz`, bytes };
}

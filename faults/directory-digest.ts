import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** sha256 over every entry of a directory tree (names, kinds, modes, bytes, link targets): equal digests = byte-identical trees. */
export function directoryDigest(root: string): string {
  const hash = createHash('sha256');
  const walk = (dir: string, prefix: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stat = lstatSync(path);
      const relative = `${prefix}${name}`;
      if (stat.isDirectory()) {
        hash.update(`d ${relative} ${stat.mode}\n`);
        walk(path, `${relative}/`);
      } else if (stat.isSymbolicLink()) {
        hash.update(`l ${relative} ${readlinkSync(path)}\n`);
      } else {
        hash.update(`f ${relative} ${stat.mode} ${stat.size}\n`);
        hash.update(readFileSync(path));
      }
    }
  };
  walk(root, '');
  return hash.digest('hex');
}

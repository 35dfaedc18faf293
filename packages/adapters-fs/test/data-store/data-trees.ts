import { afterEach, beforeEach } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, lstatSync, rmSync, writeFileSync, symlinkSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FsDataStore, type FsDataStoreOptions } from '../../src/data-store/index.js';

/** A scratch directory per test, removed afterwards. */
export function scratch(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ds-data-'));
  return {
    dir,
    cleanup: () => {
      // A test may leave read-only directories behind; make them writable before removing.
      // Names are walked as bytes: a test may leave a name that is not UTF-8.
      const unlock = (p: Buffer): void => {
        const st = lstatSync(p);
        if (!st.isDirectory()) return;
        chmodSync(p, 0o755);
        for (const name of readdirSync(p, { encoding: 'buffer' })) unlock(Buffer.concat([p, Buffer.from('/'), name]));
      };
      unlock(Buffer.from(dir));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh scratch directory for each test of the calling suite: read `.dir` inside a test. */
export function scratchPerTest(): { readonly dir: string } {
  let current: ReturnType<typeof scratch> | undefined;
  beforeEach(() => {
    current = scratch();
  });
  afterEach(() => current?.cleanup());
  return {
    get dir(): string {
      if (!current) throw new Error('scratch directory used outside a test');
      return current.dir;
    },
  };
}

export function storeIn(dir: string, options: Partial<FsDataStoreOptions> = {}): FsDataStore {
  return new FsDataStore({ directory: join(dir, 'store'), ...options });
}

export type TreeSpec = Record<string, string | Buffer | { link: string } | { dir: true; mode?: number } | { content: string | Buffer; mode: number }>;

/** Write a tree: keys are relative paths; values are contents, `{ link }`, `{ dir }` or `{ content, mode }`. */
export function writeTree(root: string, spec: TreeSpec): void {
  mkdirSync(root, { recursive: true });
  const modes: Array<[string, number]> = [];
  for (const [rel, value] of Object.entries(spec)) {
    const path = join(root, rel);
    mkdirSync(dirname(path), { recursive: true });
    if (typeof value === 'string' || Buffer.isBuffer(value)) writeFileSync(path, value);
    else if ('link' in value) symlinkSync(value.link, path);
    else if ('dir' in value) {
      mkdirSync(path, { recursive: true });
      if (value.mode !== undefined) modes.push([path, value.mode]);
    } else {
      writeFileSync(path, value.content);
      chmodSync(path, value.mode);
    }
  }
  for (const [path, mode] of modes.reverse()) chmodSync(path, mode);
}

/** Everything materialize must restore, as comparable lines: type, permission bits, path, and content or link target. */
export function describeTree(root: string): string[] {
  const lines: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const relPath = rel ? `${rel}/${name}` : name;
      const st = lstatSync(path);
      const mode = (st.mode & 0o7777).toString(8);
      if (st.isSymbolicLink()) lines.push(`link ${relPath} -> ${readlinkSync(path)}`);
      else if (st.isDirectory()) {
        lines.push(`dir ${mode} ${relPath}`);
        walk(path, relPath);
      } else lines.push(`file ${mode} ${relPath} ${readFileSync(path).toString('base64')}`);
    }
  };
  walk(root, '');
  return lines;
}

/** Give files time to leave the racy-clean window, so the stat cache records them. */
export const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 150));

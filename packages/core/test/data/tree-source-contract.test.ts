import * as fs from 'node:fs';
import { DataWorkspace, treeSourceContract, type DataTree } from '../../src/testing/index.js';
import { fileSystemTree } from '../../src/data/file-system-tree.js';
import { dir, file, InMemoryTree, link, type MemoryEntry } from './in-memory-tree.js';

/** `tree` as entries of an in-memory directory (parents made as needed). */
function inMemory(tree: DataTree): MemoryEntry {
  const root = dir({});
  const encoder = new TextEncoder();
  const place = (path: string, entry: MemoryEntry): void => {
    const parts = path.split('/');
    let at = root;
    for (const part of parts.slice(0, -1)) {
      if (at.type !== 'directory') throw new Error(`${path}: a parent is not a directory`);
      const key = encoder.encode(part);
      let next = [...at.children].find(([name]) => new TextDecoder().decode(name) === part)?.[1];
      if (!next) at.children.set(key, (next = dir({})));
      at = next;
    }
    if (at.type === 'directory') at.children.set(encoder.encode(parts[parts.length - 1]!), entry);
  };
  for (const [path, entry] of Object.entries(tree)) {
    if (typeof entry === 'string') place(path, file(entry));
    else if (entry instanceof Uint8Array) place(path, file(new TextDecoder().decode(entry)));
    else if ('link' in entry) place(path, link(entry.link));
    else if ('dir' in entry) place(path, dir({}, entry.mode));
    else place(path, file(typeof entry.bytes === 'string' ? entry.bytes : new TextDecoder().decode(entry.bytes), entry.mode));
  }
  return root;
}

treeSourceContract('InMemoryTree (what core tests its scan against)', async (tree) => ({
  source: new InMemoryTree(inMemory(tree)),
  root: '/mnt',
  cleanup: async () => undefined,
}));

treeSourceContract('fileSystemTree over node:fs (the ZFS and hub adapters read through it)', async (tree) => {
  const ws = await DataWorkspace.create('ds-tree-source-');
  return {
    source: fileSystemTree(fs, () => new Promise((resolve) => setImmediate(resolve))),
    root: await ws.write('tree', tree),
    cleanup: () => ws.cleanup(),
  };
});

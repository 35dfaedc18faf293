/**
 * Our side of the dataset-capture comparison as one process, like `git annex add` and
 * `datalad save` are: open the fs data store, capture one tree, close (durable), exit.
 * `node capture-tree.mjs <store directory> <tree>` prints the version's digest.
 */
import { FsDataStore } from '../../packages/adapters-fs/src/data-store/index.js';

const [directory, tree] = process.argv.slice(2);
if (!directory || !tree) throw new Error('usage: capture-tree.mjs <store directory> <tree>');
const store = new FsDataStore({ directory });
try {
  const ref = await store.capture(tree);
  console.log(ref.digest);
} finally {
  await store.close();
}

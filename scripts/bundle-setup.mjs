// Vitest global setup: the CLI tests run the bundled `ds` (packages/cli/bundle/ds.cjs), so it is
// built first whenever a source it is made from changed since (a fresh clone, or an edit).
import { buildBundles } from './bundle.mjs';

export default async function buildStaleBundles() {
  await buildBundles({ ifStale: true });
}

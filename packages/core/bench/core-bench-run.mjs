// Run the core benchmark scripts: `node packages/core/bench/core-bench-run.mjs [run-lifecycle|projection-replay] [args…]`
// (no name: both). Bundled for Node 20 with the adapters-fs bench bundler (core's own source, no dist).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../../adapters-fs/bench/event-store-node-bundle.mjs';

const bench = dirname(fileURLToPath(import.meta.url));
const [only, ...args] = process.argv.slice(2);
const names = only ? [only] : ['run-lifecycle', 'projection-replay'];
const out = mkdtempSync(join(tmpdir(), 'ds-bench-'));
let status = 0;
for (const name of names) {
  const script = await bundleForNode(join(bench, `${name}.bench.ts`), out, `${name}.bench.mjs`);
  const run = spawnSync(process.execPath, ['--max-old-space-size=8192', script, ...args], { stdio: 'inherit' });
  status ||= run.status ?? 1;
}
rmSync(out, { recursive: true, force: true }); // the bundles
process.exit(status);

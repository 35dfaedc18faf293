// Run the sweep benchmark: `node packages/sdk/bench/sweep-run.mjs [runs]`.
// Node 20 cannot run TypeScript: the bench is bundled (with the vite that vitest brings) into one ES module first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../../adapters-fs/bench/event-store-node-bundle.mjs';

const out = mkdtempSync(join(tmpdir(), 'ds-bench-'));
const bench = dirname(fileURLToPath(import.meta.url));
const script = await bundleForNode(join(bench, 'sweep.bench.ts'), out, 'sweep.bench.mjs');
const { status } = spawnSync(process.execPath, [script, ...process.argv.slice(2)], { stdio: 'inherit' });
rmSync(out, { recursive: true, force: true }); // the bundle
process.exit(status ?? 1);

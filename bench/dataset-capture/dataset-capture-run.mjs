// Run the dataset-capture comparison: `node bench/dataset-capture/dataset-capture-run.mjs [bigMiB] [mediumFiles] [smallFiles]`.
// Node 20 cannot run TypeScript: the bench and our one-tree capture process are bundled first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../../packages/adapters-fs/bench/event-store-node-bundle.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'ds-bench-'));
const capture = await bundleForNode(join(here, 'capture-tree.ts'), out, 'capture-tree.mjs');
const script = await bundleForNode(join(here, 'dataset-capture.bench.ts'), out, 'dataset-capture.bench.mjs');
const { status } = spawnSync(process.execPath, [script, capture, ...process.argv.slice(2)], { stdio: 'inherit' });
rmSync(out, { recursive: true, force: true }); // the bundle
process.exit(status ?? 1);

// Run the hub benchmark: `node packages/adapters-http/bench/hub-run.mjs`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../../adapters-fs/bench/event-store-node-bundle.mjs';

const bench = dirname(fileURLToPath(import.meta.url));
const script = await bundleForNode(join(bench, 'hub.bench.ts'), mkdtempSync(join(tmpdir(), 'ds-hub-bench-')), 'hub.bench.mjs');
const { status } = spawnSync(process.execPath, [script, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(status ?? 1);

// Run the hub benchmark: `node packages/adapters-http/bench/hub-run.mjs` (ingest and latency),
// or `… hub-run.mjs under-attack` (the hub under a denial-of-service attempt).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../../adapters-fs/bench/event-store-node-bundle.mjs';

const bench = dirname(fileURLToPath(import.meta.url));
const underAttack = process.argv[2] === 'under-attack';
const entry = underAttack ? 'hub-under-attack.bench' : 'hub.bench';
const script = await bundleForNode(join(bench, `${entry}.ts`), mkdtempSync(join(tmpdir(), 'ds-hub-bench-')), `${entry}.mjs`);
const { status } = spawnSync(process.execPath, [script, ...process.argv.slice(underAttack ? 3 : 2)], { stdio: 'inherit' });
process.exit(status ?? 1);

// Run one TypeScript bench of bench/ (Node 20 cannot run TypeScript): bundle it with the
// vite that vitest brings, then run it in a fresh Node process with the given arguments.
// `node bench/run-bundled.mjs <runner-overhead|durable-appends|runs-cold-start|environment-capture> [args…]`
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../packages/adapters-fs/bench/event-store-node-bundle.mjs';

const out = mkdtempSync(join(tmpdir(), 'ds-bench-'));
const here = dirname(fileURLToPath(import.meta.url));
const [name, ...args] = process.argv.slice(2);
if (!name) throw new Error('usage: run-bundled.mjs <bench name> [args…]');
const script = await bundleForNode(join(here, `${name}.bench.ts`), out, `${name}.bench.mjs`);
const { status } = spawnSync(process.execPath, ['--max-old-space-size=4096', script, ...args], { stdio: 'inherit' });
rmSync(out, { recursive: true, force: true }); // the bundle
process.exit(status ?? 1);

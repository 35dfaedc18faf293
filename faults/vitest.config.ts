import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** `@dotscience/<pkg>[/<sub>]` → its TypeScript source, from each package's `source` export (the root has no workspace links). */
function workspaceSources(): Array<{ find: string; replacement: string }> {
  const aliases: Array<{ find: string; replacement: string }> = [];
  for (const dir of readdirSync(join(root, 'packages'))) {
    const manifest = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as {
      name: string;
      exports?: Record<string, { source?: string }>;
    };
    for (const [subpath, targets] of Object.entries(manifest.exports ?? {})) {
      if (!targets.source) continue;
      aliases.push({ find: join(manifest.name, subpath), replacement: join(root, 'packages', dir, targets.source) });
    }
  }
  // Longest first, so `@dotscience/core/testing` is not taken for `@dotscience/core` + `/testing`.
  return aliases.sort((a, b) => b.find.length - a.find.length);
}

/** The fault campaign (`pnpm test:faults [--full]`); kept apart from `pnpm test` because the full scale runs for a long time. */
export default defineConfig({
  root,
  resolve: { conditions: ['source'], alias: workspaceSources() },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['faults/*.fault.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One file at a time: the kill and concurrency figures should not compete with each other for two cores.
    fileParallelism: false,
  },
});

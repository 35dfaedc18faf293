// `pnpm lint:cycles`: fail when any module of the repository is part of an import cycle,
// type-only imports included (ESLint's import-x/no-cycle does not follow `import type`,
// and a cycle of types still ties the modules' meanings together).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import madge from 'madge';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const packages = readdirSync(join(repo, 'packages')).map((name) => join('packages', name));
const roots = [...packages.flatMap((p) => ['src', 'test', 'bench'].map((dir) => join(p, dir))), 'bench', 'faults', 'examples']
  .map((dir) => join(repo, dir))
  .filter((dir) => existsSync(dir));
const graph = await madge(roots, {
  baseDir: repo,
  fileExtensions: ['ts', 'tsx', 'mts'],
  excludeRegExp: [/node_modules/, /\/dist\//, /\.d\.ts$/],
  tsConfig: join(repo, 'tsconfig.base.json'),
  detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
});
const cycles = graph.circular();
if (cycles.length === 0) {
  console.log(`import cycles: none among ${Object.keys(graph.obj()).length} modules`);
} else {
  console.error(`import cycles: ${cycles.length} (a module's imports must not lead back to it; move the shared part to a module of its own)`);
  for (const cycle of cycles) console.error(`  ${[...cycle, cycle[0]].join(' → ')}`);
  process.exitCode = 1;
}

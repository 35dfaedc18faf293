import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = join(PACKAGE, 'src');

/** The packages the cli must not reach past the sdk: core (any subpath) and every adapter. */
const FORBIDDEN = /^@dotscience\/(core|adapters-[\w-]+)(\/.*)?$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(c|m)?tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Source text without comments (a line comment starts at a line's start or after a blank, so `http://` in a string stays). */
const withoutComments = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|\s)\/\/.*$/gm, '$1');

/** What names a module: `from '…'` (imports, `import type`, re-exports), a bare `import '…'`, `import('…')` (calls and types), `require('…')`. */
const MODULE_NAMES = [
  /\b(?:import|export)\b[^;]*?\bfrom\s*(['"])([^'"]+)\1/g,
  /\bimport\s*(['"])([^'"]+)\1/g,
  /\bimport\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
  /\brequire\s*\(\s*(['"])([^'"]+)\1\s*\)/g,
];

/** Every module a file names, by a simple import parser (TypeScript 7 has no JavaScript API to ask). */
function importedModules(text: string): string[] {
  const code = withoutComments(text);
  return MODULE_NAMES.flatMap((pattern) => [...code.matchAll(pattern)].map((match) => match[2]!));
}

/** A relative import that leaves the cli package reaches another package's files. */
const leavesPackage = (file: string, module: string): boolean => module.startsWith('.') && relative(PACKAGE, resolve(dirname(file), module)).startsWith('..');

describe('the cli talks to the sdk only', () => {
  it('given every source file of the cli, when its imports are read, then none names @dotscience/core, an adapter package or the files of another package (import them through @dotscience/sdk)', () => {
    const files = sourceFiles(SOURCE);
    expect(files.length).toBeGreaterThan(20);
    const offending = files.flatMap((path) =>
      importedModules(readFileSync(path, 'utf8'))
        .filter((module) => FORBIDDEN.test(module) || leavesPackage(path, module))
        .map((module) => `${relative(SOURCE, path)} imports ${module}`),
    );
    expect(offending).toEqual([]);
  });

  it('given each way a module can be named, when the imports are read, then each is found (so the check above cannot pass by missing one)', () => {
    const text = [
      "import { a } from '@dotscience/core';",
      "import type { B } from '@dotscience/adapters-fs';",
      "import * as c from '@dotscience/core/testing';",
      "export { d } from '@dotscience/adapters-http';",
      "export * from '@dotscience/adapters-zfs';",
      "const e = await import('@dotscience/adapters-eventstore');",
      "type F = import('@dotscience/core').RunView;",
      "const g = require('@dotscience/core');",
      "import h = require('@dotscience/adapters-fs');",
      'import {',
      '  j,',
      '  type K,',
      "} from '@dotscience/core';",
      "import { i } from '@dotscience/sdk';",
      "import 'reflect-metadata';",
      "// import { commented } from '@dotscience/core';",
      "const url = 'http://127.0.0.1'; // import('@dotscience/core')",
    ].join('\n');
    const modules = importedModules(text);
    expect(modules.filter((m) => FORBIDDEN.test(m)).sort()).toEqual([
      '@dotscience/adapters-eventstore',
      '@dotscience/adapters-fs',
      '@dotscience/adapters-fs',
      '@dotscience/adapters-http',
      '@dotscience/adapters-zfs',
      '@dotscience/core',
      '@dotscience/core',
      '@dotscience/core',
      '@dotscience/core',
      '@dotscience/core/testing',
    ]);
    expect(modules.filter((m) => !FORBIDDEN.test(m)).sort()).toEqual(['@dotscience/sdk', 'reflect-metadata']);
    expect(leavesPackage(join(SOURCE, 'commands', 'x.ts'), '../../../core/src/index.js')).toBe(true);
    expect(leavesPackage(join(SOURCE, 'commands', 'x.ts'), '../output/json-output.js')).toBe(false);
  });
});

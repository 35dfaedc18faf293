// ESLint for the whole repository: `pnpm lint` (run by `pnpm test`). The plugins come from
// tools/lint (see its package.json for why they live there). What is turned off, and why:
// docs/decisions.md, "Lint and format".
import { createTypeScriptImportResolver, globals, importX, js, tseslint } from './tools/lint/index.js';

/** The import rules of one package: `allowed` names the only packages its source may import (besides relative files). */
const onlyImports = (allowed, why) => ({
  'no-restricted-imports': ['error', { patterns: [{ regex: `^(?!(${allowed.map((a) => a.replace(/[/.]/g, '\\$&')).join('|')})$|\\.{1,2}/)`, message: why }] }],
});
const neverImports = (packages, why) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: packages.flatMap((p) => [p, `${p}/*`]), message: why }] }],
});

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/bundle/**',
      'release/**',
      'python/**',
      '**/node_modules/**',
      '**/coverage/**',
      'bench/out/**',
      'test-output/**',
      '**/*.d.ts',
      '**/*.d.mts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          alwaysTryTypes: true,
          noWarnOnMultipleProjects: true,
          conditionNames: ['source', 'types', 'import', 'default'],
          project: ['packages/*/tsconfig.json', 'examples/tsconfig.json', 'faults/tsconfig.json'],
        }),
      ],
    },
    rules: {
      // An import cycle, type-only ones included: a module's dependencies form a tree.
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // `_`-prefixed names are unused on purpose; a caught error may go unread.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    // Tests and fault campaigns build malformed and tampered input on purpose.
    files: ['**/test/**', 'faults/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['packages/web/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  // Package boundaries (DESIGN.md: core is pure; adapters depend on core only; the CLI on the SDK).
  {
    files: ['packages/core/src/**'],
    ignores: ['packages/core/src/testing/**'],
    rules: onlyImports(['zod', 'rxjs', 'node:crypto'], 'core imports only zod, rxjs, node:crypto and its own files: no I/O in the domain.'),
  },
  {
    // Small, cohesive files in core: none over 300 lines (issue 21), blank lines and comments included.
    files: ['packages/core/src/**'],
    rules: { 'max-lines': ['error', { max: 300, skipBlankLines: false, skipComments: false }] },
  },
  {
    files: ['packages/adapters-*/src/**'],
    rules: neverImports(['@dotscience/sdk', '@dotscience/cli'], 'adapters depend on core, never on the SDK or the CLI.'),
  },
  {
    files: ['packages/sdk/src/**'],
    rules: neverImports(['@dotscience/cli'], 'the SDK never imports the CLI.'),
  },
  {
    files: ['packages/web/src/**'],
    rules: {
      ...onlyImports(
        [
          'preact',
          'preact/hooks',
          'uplot',
          'uplot/dist/uPlot.min.css',
          'cytoscape',
          'cytoscape-dagre',
          'eventsource-parser',
          '@tanstack/virtual-core',
          '@dotscience/core',
        ],
        'the web UI imports only its own dependencies (packages/web/package.json).',
      ),
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@dotscience/core',
              allowTypeImports: true,
              message: 'the web UI takes only types from core: it runs in the browser, core is bundled nowhere there.',
            },
          ],
        },
      ],
    },
  },
);

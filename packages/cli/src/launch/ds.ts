#!/usr/bin/env node
// The bundled `ds` (packages/cli/bundle/ds.cjs): compile the program's chunks through the code cache
// (D177), then run the program (ds-main.cjs, built from ../main.ts).
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultCompileCacheRoot, installCompileCache } from './compile-cache.js';

const root = defaultCompileCacheRoot(process.env, homedir());
if (root) installCompileCache(dirname(fileURLToPath(import.meta.url)), root);
createRequire(import.meta.url)('./ds-main.cjs');

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from '../../bench/event-store-node-bundle.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Node 20 cannot run TypeScript, so the child script is bundled once per test
 * file into one plain ES module that `node` starts in well under a second.
 */
export async function bundleStoreChild(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'ds-store-child-'));
  return bundleForNode(join(here, 'store-child.ts'), outDir, 'store-child.mjs');
}

export function startChild(bundle: string, args: string[]): ChildProcess & { lines: string[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [bundle, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!; // a line cut by a kill has no newline: it never counts
    lines.push(...parts);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolveExit) =>
    child.on('close', (code) => {
      if (code !== 0 && code !== null && stderr) process.stderr.write(stderr);
      resolveExit(code);
    }),
  );
  return Object.assign(child, { lines, exited });
}

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./children/fault-child.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../packages/sdk/dist/index.js', import.meta.url));

export type FaultChild = ChildProcess & { lines: string[]; stderr_: () => string; exited: Promise<number | null> };

/** Start `node children/fault-child.mjs <args>`; its stdout lines (only whole ones: a line cut by a kill never counts) collect in `lines`. */
export function startFaultChild(args: string[]): FaultChild {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing — the fault children run the built packages: pnpm exec tsc -b`);
  const child = spawn(process.execPath, [CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: withoutDotscienceSettings() });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolveExit) => child.on('close', (code) => resolveExit(code)));
  return Object.assign(child, { lines, exited, stderr_: () => stderr });
}

/** Run a child to completion; throws with its stderr when it fails. */
export async function runFaultChild(args: string[]): Promise<string[]> {
  const child = startFaultChild(args);
  const code = await child.exited;
  if (code !== 0) throw new Error(`fault child ${args.join(' ')} exited ${code}: ${child.stderr_()}`);
  return child.lines;
}

export function withoutDotscienceSettings(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('DOTSCIENCE_')) env[key] = value;
  return env;
}

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_ENTRY, ds } from '../fixtures/cli-process.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
/** Where the examples' stand-in for the dotscience Python library lives (the fixtures import it). */
export const PYTHON_PROTOCOL = fileURLToPath(new URL('../../../../examples/python/', import.meta.url));
export const SDK_ENTRY = fileURLToPath(new URL('../../../sdk/dist/index.js', import.meta.url));

export interface RawResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('DOTSCIENCE_')) env[key] = value;
  return { ...env, PYTHONPATH: PYTHON_PROTOCOL, ...extra };
}

/** Run a program in `cwd` and keep its stdout as bytes. */
export function runRaw(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): RawResult {
  const result = spawnSync(command, args, { cwd, env: cleanEnv(env), maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}

/** `ds run -- <command…>` in `cwd`, stdout as bytes. */
export function dsRun(command: readonly string[], cwd: string): RawResult {
  return runRaw(process.execPath, [CLI_ENTRY, 'run', '--', ...command], cwd);
}

/** A fresh project with `ds init` done and the Python fixtures copied in. */
export function freshProject(): string {
  const project = mkdtempSync(join(tmpdir(), 'ds-run-'));
  const init = ds(['init'], { cwd: project });
  if (init.code !== 0) throw new Error(`ds init failed: ${init.stderr}`);
  for (const file of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, file), join(project, file));
  mkdirSync(join(project, 'data/raw'), { recursive: true });
  return project;
}

/** The ids `ds run` reported on stderr. */
export function reportedRuns(stderr: string): { workloadId: string; blockRuns: string[]; programRuns: string[] } {
  const workloadId = /ds run: workload (\S+)/.exec(stderr)?.[1];
  if (!workloadId) throw new Error(`no workload id in: ${stderr}`);
  return {
    workloadId,
    blockRuns: [...stderr.matchAll(/ds run: run (\S+) from a Dotscience run block/g)].map((m) => m[1]!),
    programRuns: [...stderr.matchAll(/ds run: run (\S+) recorded by the program/g)].map((m) => m[1]!),
  };
}

/** What the program printed minus its run blocks (each with its trailing newline): what `ds run` must pass through. */
export function withoutRunBlocks(stdout: Buffer): Buffer {
  const text = stdout.toString('latin1');
  return Buffer.from(text.replace(/\[\[DOTSCIENCE-RUN:([\w.-]+)\]\][\s\S]*?\[\[\/DOTSCIENCE-RUN:\1\]\]\n?/g, ''), 'latin1');
}

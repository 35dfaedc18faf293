import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
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

/** The test process environment without DOTSCIENCE_* variables, with the Python protocol stand-in importable, plus `extra`. */
export function cleanEnv(extra: Record<string, string>): Record<string, string> {
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

/** `ds run -- <command…>` in `cwd`, stdout as bytes; `env` is added to the program's environment. */
export function dsRun(command: readonly string[], cwd: string, env: Record<string, string> = {}): RawResult {
  return runRaw(process.execPath, [CLI_ENTRY, 'run', '--', ...command], cwd, env);
}

/** `ds run -- <command…>` started in the background: `exited` settles with its result once it ends. */
export function startDsRun(command: readonly string[], cwd: string): { exited: Promise<RawResult>; running: () => boolean } {
  const child = spawn(process.execPath, [CLI_ENTRY, 'run', '--', ...command], { cwd, env: cleanEnv({}), stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  let ended = false;
  const exited = new Promise<RawResult>((resolveExit, rejectExit) => {
    child.once('error', rejectExit);
    child.once('close', (code) => {
      ended = true;
      resolveExit({ code: code ?? -1, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
  return { exited, running: () => !ended };
}

/**
 * Ask `probe` again and again until it answers (not undefined); gives up, with
 * undefined, once `stillWaiting` says there is nothing more to wait for or
 * after `limitMs` (a bound for a broken build, far beyond what a loaded machine needs).
 */
export async function pollUntil<T>(probe: () => T | undefined, stillWaiting: () => boolean, limitMs = 90_000): Promise<T | undefined> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline && stillWaiting()) {
    const answer = probe();
    if (answer !== undefined) return answer;
    await delay(100);
  }
  return probe();
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

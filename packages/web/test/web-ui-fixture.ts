import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { chromium, type Browser, type Page } from 'playwright-core';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const SCREENSHOTS = join(REPO, 'test-output', 'screenshots');
const CLI = join(REPO, 'packages/cli/bundle/ds.cjs');

/** Headless Chromium for the UI tests: CHROMIUM_PATH, else Debian's /usr/bin/chromium. DOTSCIENCE_WEB_E2E=required makes a missing one a failure (CI). */
export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const chromiumRequired = process.env['DOTSCIENCE_WEB_E2E'] === 'required';
export const chromiumMissing = !existsSync(chromiumPath);

/** The web app built by Vite into a temporary directory (what `pnpm build:web` makes). */
export async function buildWebApp(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'ds-web-'));
  await build({ configFile: join(REPO, 'packages/web/vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

/** A project made by `ds demo` without its notebook step (the built CLI: `tsc -b` first); the notebook page has its own test. */
export function demoProject(): string {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing — run pnpm exec tsc -b first`);
  const project = join(mkdtempSync(join(tmpdir(), 'ds-web-demo-')), 'project');
  const demo = spawnSync(process.execPath, [CLI, 'demo', '--no-notebook', project], { encoding: 'utf8' });
  if (demo.status !== 0) throw new Error(`ds demo failed: ${demo.stderr}`);
  return project;
}

/** The URL a child prints on stdout (the first match of `pattern`); rejects when it exits first. */
function printedUrl(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  let output = '';
  return new Promise<string>((resolveUrl, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = pattern.exec(output);
      if (match) resolveUrl(match[1]!);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`${what} exited (${code}): ${output}`)));
  });
}

/** A server the tests started; `stop()` resolves once it has exited, so its files are no longer being written. */
export interface StartedServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

function started(url: string, child: ChildProcess): StartedServer {
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolveStop();
        child.once('exit', () => resolveStop());
        child.kill('SIGTERM');
      }),
  };
}

/** `ds serve` over the hub directory `hubDir`, serving `webApp` at /ui/; resolves with its URL. */
export async function serveHub(hubDir: string, webApp: string): Promise<StartedServer> {
  const child = spawn(process.execPath, [CLI, 'serve', '--store', hubDir, '--port', '0'], {
    env: { ...process.env, DOTSCIENCE_WEB_APP: webApp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return started(await printedUrl(child, /hub listening on (\S+)/, 'ds serve'), child);
}

/** `ds ui` running in `project` over its local store, serving `webApp`; resolves with the URL it printed. */
export async function startUi(project: string, webApp: string): Promise<StartedServer> {
  const child = spawn(process.execPath, [CLI, 'ui', '--port', '0'], {
    cwd: project,
    env: { ...process.env, DOTSCIENCE_WEB_APP: webApp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return started(await printedUrl(child, /(http:\/\/\S+)/, 'ds ui'), child);
}

export function removeAll(...dirs: Array<string | undefined>): void {
  for (const dir of dirs) if (dir) rmSync(dir, { recursive: true, force: true });
}

/** Headless Chromium with one page the size the screenshots are taken at. */
export async function openBrowserPage(): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  return { browser, page: await browser.newPage({ viewport: { width: 1280, height: 900 } }) };
}

import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { serveTheChampion } from './demo-champion.js';

/** The repository's examples, next to this package (packages/cli/dist/commands → examples). */
const EXAMPLES = fileURLToPath(new URL('../../../../examples/', import.meta.url));

class DemoStepError extends Error {
  readonly code = 'DEMO_STEP_FAILED';
}

function freshProject(dir: string | undefined): string {
  if (dir === undefined) return mkdtempSync(join(tmpdir(), 'dotscience-demo-'));
  const project = resolve(dir);
  if (existsSync(project) && readdirSync(project).length > 0) {
    throw new DemoStepError(`${project} is not empty — give ds demo a new or empty directory, or none for a temporary one`);
  }
  mkdirSync(project, { recursive: true });
  return project;
}

function pythonAvailable(): boolean {
  const probe = spawnSync('python3', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined && probe.status === 0;
}

/** Run `ds <args…>` (this very CLI) in the project, showing the command and its output; a failure stops the demo. */
function ds(project: string, args: readonly string[]): Promise<void> {
  process.stdout.write(`\n$ ds ${args.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ')}\n`);
  return new Promise((resolveStep, rejectStep) => {
    const child = spawn(process.execPath, [process.argv[1]!, ...args], { cwd: project, stdio: 'inherit' });
    child.once('error', rejectStep);
    child.once('exit', (code, signal) => {
      if (code === 0) resolveStep();
      else rejectStep(new DemoStepError(`ds ${args.join(' ')} failed (${signal ?? `exit code ${code}`}) in ${project}`));
    });
  });
}

/**
 * `ds demo [dir]`: a fresh project running the examples end to end through
 * `ds run` — iris preparation, two decision-tree trainings (depth 2 and 3),
 * the Python protocol script — then the runs table, the lineage of the model,
 * the audit of the hash chains, and the most accurate model aliased champion,
 * served and asked for one prediction.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('create a fresh project (a temporary directory, or [dir]) and run the examples end to end through ds run, then show runs, lineage and the audit, and serve the best model')
    .argument('[dir]', 'a new or empty directory for the project (default: a temporary directory)')
    .action(async (dir: string | undefined) => {
      const scripts = join(EXAMPLES, 'dist');
      if (!existsSync(join(scripts, 'train-tree.js'))) {
        throw new DemoStepError(`the compiled examples are missing in ${scripts} — run pnpm exec tsc -b (or pnpm demo) first`);
      }
      const project = freshProject(dir);
      process.stdout.write(`dotscience demo in ${project}\n`);
      await ds(project, ['init']);
      await ds(project, ['run', '--', 'node', join(scripts, 'prepare-iris.js')]);
      for (const depth of ['2', '3']) await ds(project, ['run', '--', 'node', join(scripts, 'train-tree.js'), '--depth', depth]);
      if (pythonAvailable()) {
        for (const file of ['dotscience_protocol.py', 'feature_statistics.py']) copyFileSync(join(EXAMPLES, 'python', file), join(project, file));
        await ds(project, ['run', '--', 'python3', 'feature_statistics.py']);
      } else {
        process.stdout.write('\n(skipped) python3 is not installed: the Dotscience stdout-protocol example (examples/python) did not run\n');
      }
      await ds(project, ['runs']);
      await ds(project, ['runs', '--filter', 'metrics.accuracy > 0.8 and params.depth = 3']);
      await ds(project, ['lineage', 'iris-tree']);
      await ds(project, ['audit', 'verify']);
      await serveTheChampion(project, (args) => ds(project, args));
      process.stdout.write(`\nThe project is in ${project}; run ds commands there (e.g. ds show <run>, ds reproduce <run> <dir>).\n`);
    });
}

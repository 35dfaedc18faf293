import { execFile, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { notebookPython } from '../notebook/demo-notebook.js';
import { serveTheChampion } from './demo-champion.js';

/** The repository's examples, next to this package (packages/cli/dist/commands or the bundle's packages/cli/bundle → examples). */
const EXAMPLES =
  ['../../../../examples/', '../../../examples/']
    .map((path) => fileURLToPath(new URL(path, import.meta.url)))
    .find((dir) => existsSync(join(dir, 'package.json'))) ?? fileURLToPath(new URL('../../../../examples/', import.meta.url));

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
function ds(project: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  process.stdout.write(`\n$ ds ${args.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ')}\n`);
  return new Promise((resolveStep, rejectStep) => {
    const child = spawn(process.execPath, [process.argv[1]!, ...args], { cwd: project, stdio: 'inherit', env });
    child.once('error', rejectStep);
    child.once('exit', (code, signal) => {
      if (code === 0) resolveStep();
      else rejectStep(new DemoStepError(`ds ${args.join(' ')} failed (${signal ?? `exit code ${code}`}) in ${project}`));
    });
  });
}

/** The id of the newest run that trained a tree (depth 3): what the demo reruns to show it reproduces. */
function latestTrainingRun(project: string): Promise<string> {
  return new Promise((resolveId, rejectId) => {
    const args = [process.argv[1]!, 'runs', '--filter', 'params.depth = 3', '--limit', '1', '--json'];
    execFile(process.execPath, args, { cwd: project }, (error, stdout) => {
      if (error) return rejectId(new DemoStepError(`ds runs could not find the training run to rerun: ${error.message}`));
      const [run] = JSON.parse(stdout) as Array<{ runId: string }>;
      if (run === undefined) return rejectId(new DemoStepError('ds runs found no training run of depth 3 to rerun'));
      resolveId(run.runId);
    });
  });
}

/**
 * `ds demo [dir]`: a fresh project running the examples end to end through
 * `ds run` — iris preparation, two decision-tree trainings (depth 2 and 3),
 * the Python protocol script, a scikit-learn notebook executed by nbconvert — then the runs
 * table, the lineage of the model, the audit of the hash chains, `ds rerun --check` of the
 * depth-3 training (re-executed from what was recorded, checked to reproduce), and the most
 * accurate model aliased champion, served and asked for one prediction.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(
      'create a fresh project (a temporary directory, or [dir]) and run the examples end to end through ds run, then show runs, lineage and the audit, rerun a training with --check, and serve the best model',
    )
    .argument('[dir]', 'a new or empty directory for the project (default: a temporary directory)')
    .option('--no-notebook', 'skip the Jupyter notebook example (it starts a Python kernel: ~20 s)')
    .action(async (dir: string | undefined, options: { notebook: boolean }) => {
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
      // scikit-learn in a real notebook, executed headless by Jupyter's nbconvert under ds run, recorded with the repository's Python client.
      const jupyter = options.notebook ? notebookPython() : { missing: 'ds demo --no-notebook' };
      if ('python' in jupyter) {
        copyFileSync(join(EXAMPLES, 'notebooks', 'iris-tree.ipynb'), join(project, 'iris-tree.ipynb'));
        const env = { ...process.env, PYTHONPATH: [join(EXAMPLES, '..', 'python'), process.env.PYTHONPATH].filter(Boolean).join(':') };
        await ds(
          project,
          ['run', '--', jupyter.python, '-m', 'nbconvert', '--to', 'notebook', '--execute', '--output', 'iris-tree.executed.ipynb', 'iris-tree.ipynb'],
          env,
        );
        await ds(project, ['lineage', 'iris-tree-sklearn']);
      } else {
        process.stdout.write(
          `\n(skipped) the Jupyter notebook example (examples/notebooks/iris-tree.ipynb: scikit-learn, executed by nbconvert) did not run: ${jupyter.missing}\n`,
        );
      }
      await ds(project, ['runs']);
      await ds(project, ['runs', '--filter', 'metrics.accuracy > 0.8 and params.depth = 3']);
      await ds(project, ['lineage', 'iris-tree']);
      await ds(project, ['audit', 'verify']);
      await ds(project, ['rerun', '--check', '--in', join(project, 'rerun'), await latestTrainingRun(project)]);
      await serveTheChampion(project, (args) => ds(project, args));
      process.stdout.write(`\nThe project is in ${project}; run ds commands there (e.g. ds show <run>, ds reproduce <run> <dir>).\n`);
    });
}

import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import type { DeclaredData, Dotscience, MaterializeOptions, RunView } from '@dotscience/sdk';
import type { ProgressBar } from '../output/progress-bar.js';
import { checkoutCommit, placeInTree, repositoryWithCommit, workingTreeOf } from './code-checkout.js';
import { CommitNotFoundError, MissingDataVersionError, ReproduceTargetNotEmptyError } from './reproduce-errors.js';
import { rerunCommand } from './rerun-command.js';
import { restoreUncommittedChange, type RestoredChange } from './uncommitted-change.js';

export interface RestoredInput {
  path: string;
  dataset: string;
  digest: string | null;
  /** Where it was written. */
  target: string;
}

export interface Reproduction {
  runId: string;
  target: string;
  /** The directory to re-run in: the run's working directory inside the checkout. */
  workingDirectory: string;
  code: { commit: string; repository: string } | null;
  /** The run's uncommitted change re-applied on the checkout (null when the run's tree was clean or its change was not stored). */
  uncommittedChange: RestoredChange | null;
  inputs: RestoredInput[];
  /** The command that re-runs the workload, when the run recorded one. */
  command: string | null;
  warnings: string[];
}

function assertUsableTarget(target: string): void {
  if (existsSync(target) && readdirSync(target).length > 0) throw new ReproduceTargetNotEmptyError(target);
}

/** Where an input goes: its recorded path under the working directory (an absolute path is re-rooted under the target). */
function inputTarget(target: string, workingDirectory: string, input: DeclaredData): string {
  return isAbsolute(input.path) ? join(target, 'absolute', input.path) : resolve(workingDirectory, input.path);
}

/**
 * Reproduce a run under `target`: the code at its commit (a clone checked out
 * at it, found in the run's own repository or the current one) with the run's
 * stored uncommitted change applied on top when it had one, then every
 * input at its recorded version at its recorded path relative to the run's
 * working directory — replacing what the checkout has there, since the
 * recorded version is what the run read. Inputs come back without setuid,
 * setgid and sticky bits unless `restore.specialModes`.
 */
export async function reproduceRun(ds: Dotscience, run: RunView, target: string, progress?: ProgressBar, restore: MaterializeOptions = {}): Promise<Reproduction> {
  const root = resolve(target);
  assertUsableTarget(root);
  const warnings: string[] = [];
  let workingDirectory = root;
  let code: Reproduction['code'] = null;
  let uncommittedChange: RestoredChange | null = null;
  const commit = run.codeVersion.gitCommit;
  if (commit) {
    const candidates = [run.workload.cwd, process.cwd()].filter((d): d is string => d !== undefined);
    const trees = [...new Set((await Promise.all(candidates.map(workingTreeOf))).filter((t): t is string => t !== undefined))];
    const repository = await repositoryWithCommit(trees, commit);
    if (repository === undefined) throw new CommitNotFoundError(commit, trees);
    if (existsSync(root)) await rm(root, { recursive: true });
    await checkoutCommit(repository, commit, root);
    const recordedTree = run.workload.cwd === undefined ? undefined : await workingTreeOf(run.workload.cwd);
    workingDirectory = join(root, recordedTree && run.workload.cwd ? placeInTree(recordedTree, run.workload.cwd) : '');
    code = { commit, repository };
    const { patch } = run.codeVersion;
    if (patch !== undefined) {
      const restored = await restoreUncommittedChange(ds, { ...run.codeVersion, patch }, root);
      uncommittedChange = restored.change;
      warnings.push(...restored.warnings);
    } else if (run.codeVersion.dirty) {
      warnings.push(
        `the run's code had uncommitted changes (diff ${run.codeVersion.diffDigest ?? 'digest unknown'}) that were not stored with it; the checkout is commit ${commit.slice(0, 12)} without them`,
      );
    }
  } else {
    const why = run.codeVersion.notRecorded === undefined ? 'its code was not under version control' : `its code version was not recorded: ${run.codeVersion.notRecorded}`;
    warnings.push(`the run recorded no git commit (${why}): only its inputs are restored`);
  }
  await mkdir(workingDirectory, { recursive: true });

  const total = run.inputs.reduce((n, i) => n + i.version.bytes, 0);
  let done = 0;
  progress?.update(0, total);
  const inputs: RestoredInput[] = [];
  for (const input of run.inputs) {
    if (!(await ds.data.has(input.version))) throw new MissingDataVersionError(input.path, input.version.digest ?? input.version.snapshotId ?? '?');
    const path = inputTarget(root, workingDirectory, input);
    if (existsSync(path)) await rm(path, { recursive: true });
    await ds.data.materialize(input.version, path, restore);
    inputs.push({ path: input.path, dataset: input.dataset, digest: input.version.digest ?? null, target: path });
    done += input.version.bytes;
    progress?.update(done, total);
  }
  const command = rerunCommand(run) ?? null;
  if (command === null) warnings.push('the run recorded no command or script to re-run');
  return { runId: run.runId, target: root, workingDirectory, code, uncommittedChange, inputs, command, warnings };
}

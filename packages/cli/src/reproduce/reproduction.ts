import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { DeclaredData, Dotscience, MaterializeOptions, RunView } from '@dotscience/sdk';
import type { ProgressBar } from '../output/progress-bar.js';
import { checkoutCommit, placeInTree, repositoryWithCommit, workingTreeOf } from './code-checkout.js';
import { variableDifferences, type VariableDifference } from './environment-differences.js';
import { codeRootOf, linkNodeModules, restoreManifests, restoreSnapshot, type RestoredManifest } from './loose-code.js';
import { packageDifferences, type PackageDifferences } from './package-differences.js';
import { CommitNotFoundError, MissingDataVersionError, ReproduceTargetNotEmptyError } from './reproduce-errors.js';
import { commandLine, rerunArgv } from './rerun-command.js';
import { RestoredPaths } from './restored-paths.js';
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
  /** Code not in git, restored from the copy kept with the run. */
  snapshot: { directory: string; files: number } | null;
  /** The dependency manifests recorded with the run, where they were restored. */
  manifests: RestoredManifest[];
  /** node_modules directories of the original code the reproduction links to (Node packages are not stored). */
  linkedNodeModules: string[];
  inputs: RestoredInput[];
  /** The command line that re-runs the workload (the script's path as reproduced), when the run recorded one. */
  argv: string[] | null;
  /** The command as a shell line, with the environment variables set back to the run's. */
  command: string | null;
  /** Allow-listed variables whose value here differs from the run's. */
  environment: VariableDifference[];
  /** The run's runtime and packages against this machine's. */
  packages: PackageDifferences | null;
  /** What could not be restored, and why, in plain words. */
  notRestored: string[];
  warnings: string[];
}

function assertUsableTarget(target: string): void {
  if (existsSync(target) && readdirSync(target).length > 0) throw new ReproduceTargetNotEmptyError(target);
}

/** Where an input goes: its recorded path under the working directory (an absolute path is re-rooted under the target). */
function inputTarget(target: string, workingDirectory: string, input: DeclaredData): string {
  return isAbsolute(input.path) ? join(target, 'absolute', input.path) : resolve(workingDirectory, input.path);
}

/** The inputs of the runs of a family (a workload and the runs it recorded), each path once: the first run's version. */
function familyInputs(family: readonly RunView[]): DeclaredData[] {
  const byPath = new Map<string, DeclaredData>();
  for (const run of [...family].sort((a, b) => a.startedPosition - b.startedPosition)) {
    for (const input of run.inputs) if (!byPath.has(input.path)) byPath.set(input.path, input);
  }
  return [...byPath.values()];
}

/** `env -u A B=1 cmd…` when variables differ, else the command line alone. */
function withVariables(argv: readonly string[], differences: readonly VariableDifference[]): string {
  const line = commandLine(argv);
  if (differences.length === 0) return line;
  const settings = differences.map((d) => (d.then === null ? `-u ${d.name}` : commandLine([`${d.name}=${d.then}`])));
  return `env ${settings.join(' ')} ${line}`;
}

/**
 * Reproduce a run under `target`: its code (the commit checked out, with the run's stored
 * uncommitted change applied on top; or, for code not in git, the copy of the script and
 * the code beside it kept with the run), its dependency manifests, and every input of the
 * run's `family` (the workload and the runs it recorded: the command re-runs them all) at
 * its recorded version at its recorded path relative to the run's working directory —
 * replacing what the checkout has there, since the recorded version is what the run read.
 * Inputs come back without setuid, setgid and sticky bits unless `restore.specialModes`.
 * What cannot be restored (packages, variables, code that was kept nowhere) is said plainly.
 */
export async function reproduceRun(
  ds: Dotscience,
  run: RunView,
  target: string,
  progress?: ProgressBar,
  restore: MaterializeOptions = {},
  family: readonly RunView[] = [run],
): Promise<Reproduction> {
  const root = resolve(target);
  assertUsableTarget(root);
  const warnings: string[] = [];
  const notRestored: string[] = [];
  let workingDirectory = root;
  let code: Reproduction['code'] = null;
  let uncommittedChange: RestoredChange | null = null;
  let codeRoot: { original: string; restored: string } | undefined;
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
    if (recordedTree !== undefined) codeRoot = { original: recordedTree, restored: root };
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
  } else if (run.codeVersion.snapshot === undefined) {
    const why =
      run.codeVersion.notRecorded === undefined
        ? 'its code was not under version control'
        : `its code version was not recorded: ${run.codeVersion.notRecorded}`;
    warnings.push(`the run recorded no git commit (${why}): only its inputs are restored`);
    notRestored.push(`code: the run recorded no git commit and no copy of its code (${why})`);
  } else {
    const outside = codeRootOf(run);
    if (outside !== undefined) codeRoot = { original: outside, restored: join(root, 'code', basename(outside)) };
  }
  await mkdir(workingDirectory, { recursive: true });
  const paths = new RestoredPaths({ original: run.workload.cwd ?? root, restored: workingDirectory }, codeRoot);

  const snapshot = commit ? undefined : await restoreSnapshot(ds, run, paths);
  const manifests = await restoreManifests(ds, run, paths);
  for (const path of manifests.missing) notRestored.push(`manifest ${path}: not in this data store (removed by gc or recorded elsewhere)`);
  const linkedNodeModules = await linkNodeModules(manifests.restored);

  const inputs: RestoredInput[] = [];
  const toRestore = familyInputs(family);
  const total = toRestore.reduce((n, i) => n + i.version.bytes, 0);
  let done = 0;
  progress?.update(0, total);
  for (const input of toRestore) {
    if (!(await ds.data.has(input.version))) throw new MissingDataVersionError(input.path, input.version.digest ?? input.version.snapshotId ?? '?');
    const path = inputTarget(root, workingDirectory, input);
    if (existsSync(path)) await rm(path, { recursive: true });
    await ds.data.materialize(input.version, path, restore);
    inputs.push({ path: input.path, dataset: input.dataset, digest: input.version.digest ?? null, target: path });
    done += input.version.bytes;
    progress?.update(done, total);
  }

  const argv = rerunArgv(run, paths) ?? null;
  if (argv === null) warnings.push('the run recorded no command or script to re-run');
  const environment = variableDifferences(run);
  const codeDirectory = snapshot?.directory ?? workingDirectory;
  const packages = await packageDifferences(run, codeDirectory);
  const restoredNames = manifests.restored.map((m) => basename(m.path));
  const listed = restoredNames.length > 0 ? `${restoredNames.join(', ')} restored` : 'no dependency manifest was recorded';
  if (packages.differences.length > 0) notRestored.push(`packages: ${listed}; ${packages.differences.join('; ')}`);
  if (linkedNodeModules.length > 0) {
    notRestored.push(
      `packages: Node packages are not stored with a run; node_modules linked to ${linkedNodeModules.join(', ')} (install from the restored lockfile for a copy of your own)`,
    );
  }
  for (const d of environment) {
    const then = d.then === null ? 'unset then' : `${d.name}=${d.then} then`;
    const here = d.here === null ? 'unset here' : `${d.here} here`;
    notRestored.push(`environment: ${d.name} ${here}, ${then} (the command below sets it back)`);
  }
  return {
    runId: run.runId,
    target: root,
    workingDirectory,
    code,
    uncommittedChange,
    snapshot: snapshot ?? null,
    manifests: manifests.restored,
    linkedNodeModules,
    inputs,
    argv,
    command: argv === null ? null : withVariables(argv, environment),
    environment,
    packages,
    notRestored,
    warnings,
  };
}

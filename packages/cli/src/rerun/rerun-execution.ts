import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunView } from '@dotscience/sdk';
import { openForReading, settingsOfConfiguration, type Settings } from '@dotscience/sdk';
import type { ProgressBar } from '../output/progress-bar.js';
import { reproduceRun, type Reproduction } from '../reproduce/reproduction.js';
import { runWorkload, type WorkloadOutcome } from '../runner/index.js';
import { runFamily } from '../runs/run-family.js';
import { resolveRun, runReadModel } from '../runs/run-read-model.js';
import { compareRerun, type ComparedItem, type Tolerances } from './run-outcome-comparison.js';
import { rerunPlan } from './rerun-plan.js';
import { NothingToRerunError } from './rerun-errors.js';

export interface RerunOptions {
  settings: Settings;
  ref: string;
  /** Where to re-execute: a new or empty directory is reproduced into; an existing one is run in as it is. Default: a fresh temporary directory. */
  in?: string;
  tolerances: Tolerances;
  progress?: ProgressBar;
}

export interface RerunOutcome {
  runId: string;
  /** Where it ran, and whether that directory was reproduced (materialized) for it. */
  directory: string;
  reproduction: Reproduction | null;
  argv: string[];
  workload: WorkloadOutcome;
  items: ComparedItem[];
  identical: boolean;
}

const emptyOrAbsent = (dir: string): boolean => !existsSync(dir) || readdirSync(dir).length === 0;

/**
 * `ds rerun`: re-execute a run's workload — in a copy reproduced for it (code, manifests,
 * inputs), or in `--in` — recording the new runs linked to the originals (`rerunOf`), then
 * compare every output and model digest and every summary and metric value.
 */
export async function rerunRun(options: RerunOptions): Promise<RerunOutcome> {
  const prepared = await (async () => {
    const ds = await openForReading({ settings: options.settings });
    try {
      const runs = await runReadModel(ds);
      const family = await runFamily(runs, await resolveRun(runs, options.ref));
      const plan = rerunPlan(family);
      const target = options.in === undefined ? await mkdtemp(join(tmpdir(), 'ds-rerun-')) : resolve(options.in);
      let reproduction: Reproduction | null = null;
      let cwd = target;
      let argv = family.source.workload.command;
      if (emptyOrAbsent(target)) {
        reproduction = await reproduceRun(ds, family.source, target, options.progress, {}, family.members);
        cwd = reproduction.workingDirectory;
        argv = reproduction.argv ?? undefined;
      }
      if (argv === undefined || argv.length === 0) throw new NothingToRerunError(family.run.runId);
      return {
        family,
        plan,
        reproduction,
        cwd,
        argv: [...argv],
        settings: { ...options.settings, ...settingsOfConfiguration(ds.configuration) },
        variables: reproduction?.environment ?? [],
      };
    } finally {
      await ds.close();
    }
  })();
  options.progress?.finish();

  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const d of prepared.variables) {
    if (d.then === null) delete env[d.name];
    else env[d.name] = d.then;
  }
  // The program's output goes to stderr: stdout is the report's.
  const workload = await runWorkload({
    command: prepared.argv,
    cwd: prepared.cwd,
    settings: prepared.settings,
    env,
    stdout: process.stderr,
    rerunOf: prepared.plan.links,
  });

  const ds = await openForReading({ settings: prepared.settings });
  try {
    const runs = await runReadModel(ds);
    const ofRerun = await runs.runsOfWorkload(workload.workloadId);
    const workloadRun = await runs.run(workload.workloadId);
    if (workloadRun !== undefined && !ofRerun.some((r) => r.runId === workloadRun.runId)) ofRerun.push(workloadRun);
    const counterpart = (original: RunView): RunView | undefined => ofRerun.find((r) => r.rerunOf === original.runId);
    const items = prepared.plan.checked.flatMap((original) => compareRerun(original, counterpart(original), options.tolerances));
    return {
      runId: prepared.family.run.runId,
      directory: prepared.cwd,
      reproduction: prepared.reproduction,
      argv: prepared.argv,
      workload,
      items,
      identical: items.every((item) => item.identical),
    };
  } finally {
    await ds.close();
  }
}

import type { EnvironmentInfo } from '../events/catalogue.js';

/** The program a run's workload runs, when known: the environment then describes that program's runtime, not ds's. */
export interface WorkloadProgram {
  /** The command line (`python3 train.py --epochs 3`). */
  readonly command?: readonly string[];
  /** The script it runs, relative to the working directory or absolute. */
  readonly script?: string;
}

export interface Environment {
  /**
   * Runtime, OS, host, user, machine, allow-listed variables and package versions, as seen
   * from `cwd`; for a `workload` run by another interpreter (Python), that interpreter's
   * version and installed packages.
   */
  describe(cwd: string, workload?: WorkloadProgram): Promise<EnvironmentInfo>;
  /**
   * This process's runtime, OS, host and user, read synchronously (no package versions:
   * those take reading project files): what an SDK run started without a store records
   * until `describe` answers. The same four fields `describe(cwd)` gives without a workload.
   */
  describeProcess(): EnvironmentInfo;
}
export const Environment = Symbol.for('dotscience.Environment');

import { parentRunOf, type RunView } from '@dotscience/core';

/** A run as `--json` prints it: its view and `parent`, the id of the workload run it was recorded under (or null). */
export const runJson = (run: RunView): RunView & { parent: string | null } => ({ ...run, parent: parentRunOf(run) });

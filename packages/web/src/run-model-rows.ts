import type { ModelsState, RunView } from '@dotscience/core';

/** One model the run declared, with the registry's view of the version the run produced: its number, aliases, tags and description. */
export interface RunModelRow {
  name: string;
  path: string;
  framework: string | null;
  /** The version of `name` the run produced; null while none is recorded (a running run, or a model left out). */
  version: number | null;
  /** Aliases pointing at that version now (`ds models alias`). */
  aliases: string[];
  tags: Record<string, string>;
  description: string | null;
}

/** The run's models as the registry sees them now: the version it produced of each and that version's aliases, tags and description. */
export function runModelRows(run: RunView, models: ModelsState): RunModelRow[] {
  return run.models.map((declared) => {
    const model = Object.hasOwn(models, declared.name) ? models[declared.name] : undefined;
    const produced = model?.versions.filter((v) => v.producedBy === run.runId).at(-1);
    const aliases = produced ? Object.keys(model!.aliases).filter((alias) => model!.aliases[alias] === produced.version) : [];
    return {
      name: declared.name,
      path: declared.path,
      framework: declared.framework ?? null,
      version: produced?.version ?? null,
      aliases: aliases.sort(),
      tags: produced?.tags ?? {},
      description: produced?.description ?? null,
    };
  });
}

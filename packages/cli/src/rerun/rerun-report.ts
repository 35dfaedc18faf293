import type { JsonValue } from '@dotscience/sdk';
import { commandLine } from '../reproduce/rerun-command.js';
import type { RerunOutcome } from './rerun-execution.js';

const shown = (value: JsonValue | null): string => (value === null ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value));

/** The rerun's report: where and what ran, then one line per compared item, identical or different, and the verdict. */
export function rerunReport(outcome: RerunOutcome): string {
  const lines = [
    `Reran run ${outcome.runId} as workload ${outcome.workload.workloadId} (exit code ${outcome.workload.exitCode})`,
    `  in ${outcome.directory}: ${commandLine(outcome.argv)}`,
  ];
  for (const line of outcome.reproduction?.notRestored ?? []) lines.push(`  not restored: ${line}`);
  lines.push('');
  let runId: string | undefined;
  for (const item of outcome.items) {
    if (item.runId !== runId) {
      runId = item.runId;
      lines.push(`run ${item.runId} → ${item.rerunId ?? '(no run re-executed it)'}`);
    }
    const what = `${item.kind} ${item.name}`;
    const tolerance = item.tolerance === undefined ? '' : ` (within ${item.tolerance})`;
    lines.push(
      item.identical
        ? `  identical  ${what}  ${shown(item.now)}${tolerance}`
        : `  different  ${what}  ${shown(item.then)} then, ${shown(item.now)} now${tolerance}`,
    );
  }
  const differing = outcome.items.filter((item) => !item.identical).length;
  lines.push(
    '',
    differing === 0 ? `reproduced: all ${outcome.items.length} items identical` : `NOT reproduced: ${differing} of ${outcome.items.length} items differ`,
  );
  return lines.join('\n');
}

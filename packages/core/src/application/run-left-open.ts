import type { RunLeftOpen } from './run-left-open-note.js';
import type { RunCommandInput } from '../run/run-commands.js';
import type { RunState } from '../run/run-state.js';
import { RunRecorder } from './run-recorder.js';
import type { RunServices, WriterMeta } from './run-services.js';

export type { RunLeftOpen } from './run-left-open-note.js';

/** Why a run settled from an open-run note has no code version. */
export const CODE_VERSION_NOT_INSPECTED = 'the process ended before it was inspected';

function endMessage(left: RunLeftOpen): string {
  const how = left.exitCode === undefined ? 'ended (killed, or crashed without running its exit handlers)' : `exited with code ${left.exitCode}`;
  return `the process ${how} before the run was published`;
}

/** When and how a run left open was found: the writer that settles it, and the gone process's id when known. */
export interface LeftOpenFinding {
  at: string;
  pid?: number;
}

/**
 * What a run left open by a process that is gone still needs: its start when
 * the store never got it, then RunErrored saying how the process ended, and —
 * when the process ended without saying so (killed, or crashed without its exit
 * handlers: no exit code) — RunAbandoned: its writer is gone. A run already
 * published or errored needs nothing (its own record of the end wins).
 */
export function runLeftOpenCommands(state: RunState, left: RunLeftOpen, projectId: string, found?: LeftOpenFinding): RunCommandInput[] {
  if (state.lifecycle === 'published' || state.errored) return [];
  const commands: RunCommandInput[] = [];
  const startLost = state.lifecycle === 'not-started';
  if (startLost) {
    const { mode, workload, environment, startedAt } = left;
    commands.push({ kind: 'start', projectId, mode, workload, codeVersion: { notRecorded: CODE_VERSION_NOT_INSPECTED }, environment, startedAt });
  }
  const detail = {
    ...(left.exitCode === undefined ? {} : { exitCode: left.exitCode }),
    startRecordedBeforeExit: !startLost,
    note: 'recorded from the open-run note the process left; annotations it had not written yet are lost',
  };
  commands.push({ kind: 'error', message: endMessage(left), detail });
  if (left.exitCode === undefined && found !== undefined) {
    const process = found.pid === undefined ? 'its process' : `its process (pid ${found.pid})`;
    commands.push({
      kind: 'abandon',
      reason: `${process} is gone and never published the run`,
      at: found.at,
      ...(found.pid === undefined ? {} : { pid: found.pid }),
    });
  }
  return commands;
}

/** Record what a run left open needs (see runLeftOpenCommands), in one append; returns what was written. */
export async function recordRunLeftOpen(
  services: RunServices,
  left: RunLeftOpen,
  projectId: string,
  writer?: WriterMeta,
  pid?: number,
): Promise<RunCommandInput[]> {
  const recorder = await RunRecorder.open(services, left.runId, writer);
  const commands = runLeftOpenCommands(recorder.state, left, projectId, { at: services.clock.now(), ...(pid === undefined ? {} : { pid }) });
  if (commands.length > 0) await recorder.recordBatch(commands);
  return commands;
}

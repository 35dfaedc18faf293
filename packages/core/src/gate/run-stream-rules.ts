import type { DomainEvent } from '../events/catalogue.js';
import { decideParsedRun } from '../run/decide.js';
import type { RunStateDraft } from '../run/evolve.js';
import type { RunCommand } from '../run/run-commands.js';
import { StreamRuleError } from './gate-errors.js';

/**
 * The command that, decided by the run decider, records `event`: the event's data
 * with the command's kind (the run id comes from the stream). Undefined for an event
 * type that does not belong in a run stream.
 */
export function runCommandOf(event: DomainEvent): RunCommand | undefined {
  switch (event.type) {
    case 'RunStarted': {
      const { runId: _runId, ...fields } = event.data;
      return { kind: 'start', ...fields };
    }
    case 'RunDescribed':
      return { kind: 'describe', ...event.data };
    case 'InputDeclared':
      return { kind: 'declareInput', ...event.data };
    case 'OutputDeclared':
      return { kind: 'declareOutput', ...event.data };
    case 'ParameterRecorded':
      return { kind: 'recordParameter', ...event.data };
    case 'MetricRecorded':
      return { kind: 'recordMetric', ...event.data };
    case 'MetricsRecorded':
      return { kind: 'recordMetrics', ...event.data };
    case 'SummaryRecorded':
      return { kind: 'recordSummary', ...event.data };
    case 'LabelAdded':
      return { kind: 'addLabel', ...event.data };
    case 'ModelDeclared':
      return { kind: 'declareModel', ...event.data };
    case 'RunErrored':
      return { kind: 'error', ...event.data };
    case 'RunPublished':
      return { kind: 'publish', ...event.data };
    case 'RunAbandoned':
      return { kind: 'abandon', ...event.data };
    default:
      return undefined;
  }
}

/**
 * Admit one event onto a run stream's state (a draft the caller owns): the run
 * decider must allow the command the event records — so the lifecycle (RunStarted
 * first and once, nothing after RunPublished), parameters that never change, metric
 * steps that never go back and model names declared once are the decider's rules,
 * not a copy of them — and RunPublished must seal the event before it
 * (`hashBefore`). Throws the decider's typed error or a StreamRuleError.
 */
export function admitRunEvent(draft: RunStateDraft, event: DomainEvent, hashBefore: () => string): void {
  const state = draft.state;
  const command = runCommandOf(event);
  if (command === undefined) {
    throw new StreamRuleError(
      'EVENT_NOT_IN_STREAM',
      `a run stream holds the events of one run; ${event.type} belongs in a ${event.type === 'ProjectCreated' ? 'project' : event.type === 'DatasetVersionCreated' ? 'dataset' : 'model'} stream`,
    );
  }
  if (event.type === 'RunStarted' && event.data.runId !== state.runId) {
    throw new StreamRuleError(
      'RUN_ID_MISMATCH',
      `RunStarted names run ${JSON.stringify(event.data.runId)} but the stream is run ${JSON.stringify(state.runId)}'s`,
    );
  }
  // The event's data was parsed by its catalogue schema, the command's fields' schema.
  decideParsedRun(state, command);
  if (event.type === 'RunPublished') {
    const head = hashBefore();
    if (event.data.headHash !== head) {
      throw new StreamRuleError(
        'SEAL_MISMATCH',
        `the seal (headHash ${event.data.headHash.slice(0, 12)}…) is not the hash of the run's event before it (${head.slice(0, 12)}…)`,
      );
    }
  }
  draft.apply(event);
}

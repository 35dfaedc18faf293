import { canonicalJson } from '../events/canonical-json.js';
import type { DomainEvent, MetricSeriesColumns, VersionRef } from '../events/catalogue.js';
import { parseRunCommand, type RunCommand, type RunCommandInput, type RunCommandKind, type RunCommandOf } from './run-commands.js';
import { RunStateDraft, evolveRun } from './evolve.js';
import { withoutUndefined } from './json-payload.js';
import {
  MetricStepOrderError,
  ModelConflictError,
  ParameterConflictError,
  RunAbandonedError,
  RunAlreadyPublishedError,
  RunAlreadyStartedError,
  RunNotStartedError,
} from './run-errors.js';
import { initialRunState, type RunState } from './run-state.js';

/** Refuse any command the run's lifecycle does not allow now. */
function guardLifecycle(state: RunState, kind: RunCommandKind): void {
  if (state.lifecycle === 'published') throw new RunAlreadyPublishedError(state.runId, kind, state.publishedAt);
  if (state.lifecycle === 'abandoned') throw new RunAbandonedError(state.runId, kind);
  if (kind === 'start') {
    if (state.lifecycle === 'running') throw new RunAlreadyStartedError(state.runId);
  } else if (state.lifecycle === 'not-started') {
    throw new RunNotStartedError(state.runId, kind);
  }
}

const sameVersion = (a: VersionRef, b: VersionRef): boolean => canonicalJson(a) === canonicalJson(b);

function declareData(state: RunState, c: RunCommandOf<'declareInput'> | RunCommandOf<'declareOutput'>): DomainEvent[] {
  const data = withoutUndefined({ path: c.path, dataset: c.dataset, version: c.version, changedAfterPublish: c.changedAfterPublish });
  if (c.kind === 'declareInput') {
    const seen = state.inputs.get(c.path)?.some((d) => d.dataset === c.dataset && sameVersion(d.version, data.version));
    return seen ? [] : [{ type: 'InputDeclared', data }];
  }
  const previous = state.outputs.get(c.path);
  const seen = previous && previous.dataset === c.dataset && sameVersion(previous.version, data.version);
  return seen ? [] : [{ type: 'OutputDeclared', data }];
}

function recordParameter(state: RunState, c: RunCommandOf<'recordParameter'>): DomainEvent[] {
  const previous = state.parameters.get(c.name);
  if (previous) {
    if (previous.canonical === canonicalJson(c.value)) return [];
    throw new ParameterConflictError(state.runId, c.name, previous.value, c.value);
  }
  return [{ type: 'ParameterRecorded', data: { name: c.name, value: c.value } }];
}

function recordMetric(state: RunState, c: RunCommandOf<'recordMetric'>): DomainEvent[] {
  if (c.step === undefined) return [{ type: 'MetricRecorded', data: { name: c.name, value: c.value, at: c.at } }];
  const lastStep = state.metrics.get(c.name)?.lastStep;
  if (lastStep != null && c.step < lastStep) throw new MetricStepOrderError(state.runId, c.name, lastStep, c.step);
  return [{ type: 'MetricRecorded', data: { name: c.name, value: c.value, step: c.step, at: c.at } }];
}

/** A batch obeys the single-point rule point by point: within each series, and against the series' step so far. */
function recordMetrics(state: RunState, c: RunCommandOf<'recordMetrics'>): DomainEvent[] {
  const series: MetricSeriesColumns[] = new Array(c.series.length);
  for (let s = 0; s < c.series.length; s++) {
    const { name, values, steps, at } = c.series[s]!;
    if (steps !== undefined) {
      let lastStep = state.metrics.get(name)?.lastStep ?? null;
      for (let i = 0; i < steps.length; i++) {
        const step = steps[i]!;
        if (step === null) continue;
        if (lastStep !== null && step < lastStep) throw new MetricStepOrderError(state.runId, name, lastStep, step, i);
        lastStep = step;
      }
    }
    series[s] = steps === undefined ? { name, values, at } : { name, values, steps, at };
  }
  return [{ type: 'MetricsRecorded', data: { series } }];
}

function declareModel(state: RunState, c: RunCommandOf<'declareModel'>): DomainEvent[] {
  const { kind: _kind, ...fields } = c;
  const data = withoutUndefined(fields);
  const previous = state.models.get(c.name);
  if (previous) {
    if (previous.canonical === canonicalJson(data)) return [];
    throw new ModelConflictError(state.runId, c.name, (previous.value as { path: string }).path, c.path);
  }
  return [{ type: 'ModelDeclared', data }];
}

/**
 * Decide what a command means for a run: the events to append (none when it
 * changes nothing), or a typed error naming the run and the field. Pure: no
 * I/O, and neither the state nor the command is changed.
 */
export function decideRun(state: RunState, input: RunCommandInput | RunCommand): DomainEvent[] {
  return decideParsedRun(state, parseRunCommand(state.runId, input));
}

/**
 * `decideRun` for a command already parsed — by RunCommandSchema, or, for the append
 * gate, by the catalogue's schema of the event it records (the same fields): the rules
 * without a second parse.
 */
export function decideParsedRun(state: RunState, c: RunCommand): DomainEvent[] {
  guardLifecycle(state, c.kind);
  switch (c.kind) {
    case 'start': {
      const { kind: _kind, ...fields } = c;
      return [{ type: 'RunStarted', data: withoutUndefined({ runId: state.runId, ...fields }) }];
    }
    case 'describe':
      return state.description === c.description ? [] : [{ type: 'RunDescribed', data: { description: c.description } }];
    case 'declareInput':
    case 'declareOutput':
      return declareData(state, c);
    case 'recordParameter':
      return recordParameter(state, c);
    case 'recordMetric':
      return recordMetric(state, c);
    case 'recordMetrics':
      return recordMetrics(state, c);
    case 'recordSummary':
      return state.summaries.get(c.name)?.canonical === canonicalJson(c.value) ? [] : [{ type: 'SummaryRecorded', data: { name: c.name, value: c.value } }];
    case 'addLabel':
      return state.labels.get(c.name) === c.value ? [] : [{ type: 'LabelAdded', data: { name: c.name, value: c.value } }];
    case 'declareModel':
      return declareModel(state, c);
    case 'error':
      return [{ type: 'RunErrored', data: withoutUndefined({ message: c.message, detail: c.detail }) }];
    case 'abandon':
      return [{ type: 'RunAbandoned', data: withoutUndefined({ reason: c.reason, at: c.at, pid: c.pid }) }];
    case 'publish':
      return [{ type: 'RunPublished', data: withoutUndefined({ endedAt: c.endedAt, headHash: c.headHash, missing: c.missing }) }];
  }
}

export interface RunBatchDecision {
  /** The events of every command, in command order, to append in one go. */
  events: DomainEvent[];
  /** The state once they are applied. */
  state: RunState;
}

/**
 * Decide a batch of commands as if each followed the events of the ones before
 * (e.g. buffered metrics, group-committed). All or nothing: the first refused
 * command throws and no event of the batch is returned. One working copy of the
 * state serves the whole batch, so a batch of N metrics costs O(N).
 */
export function decideRunBatch(state: RunState, commands: Iterable<RunCommandInput | RunCommand>): RunBatchDecision {
  const draft = new RunStateDraft(state);
  const events: DomainEvent[] = [];
  for (const command of commands) {
    for (const event of decideRun(draft.state, command)) {
      draft.apply(event);
      events.push(event);
    }
  }
  return { events, state: draft.state };
}

/** The run lifecycle as a decider: what given/when/then tests and other runners drive. */
export interface Decider<State, Command, Event> {
  readonly initialState: State;
  evolve(state: State, event: Event): State;
  decide(state: State, command: Command): Event[];
}

export function runDecider(runId: string): Decider<RunState, RunCommandInput | RunCommand, DomainEvent> {
  return { initialState: initialRunState(runId), evolve: evolveRun, decide: decideRun };
}

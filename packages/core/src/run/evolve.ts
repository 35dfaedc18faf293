import { canonicalJson } from '../events/canonical-json.js';
import type { DomainEvent } from '../events/catalogue.js';
import { lastStepOf } from './metric-batch-points.js';
import { copyOfRunState, type MetricSeriesHead, type RecordedData, type RecordedValue, type RunState } from './run-state.js';

type Writable<T> = { -readonly [K in keyof T]: T[K] };
type MapField = 'parameters' | 'metrics' | 'summaries' | 'labels' | 'inputs' | 'outputs' | 'models';
type MutableMap<K extends MapField> = RunState[K] extends ReadonlyMap<infer Key, infer V> ? Map<Key, V> : never;

const recorded = (value: RecordedValue['value']): RecordedValue => ({ value, canonical: canonicalJson(value) });

/**
 * A private working copy of a RunState. The copy is shallow; each map is copied
 * the first time this draft writes to it, so applying N events to one draft costs
 * one copy of each touched map, not one per event, and the base state is never changed.
 */
export class RunStateDraft {
  readonly state: Writable<RunState>;
  private readonly owned = new Set<MapField>();

  constructor(base: RunState) {
    this.state = copyOfRunState(base);
  }

  private map<K extends MapField>(field: K): MutableMap<K> {
    if (!this.owned.has(field)) {
      (this.state as Record<MapField, unknown>)[field] = new Map(this.state[field] as ReadonlyMap<unknown, unknown>);
      this.owned.add(field);
    }
    return this.state[field] as MutableMap<K>;
  }

  /** Apply one event of this run's stream. Events of other streams do not belong here and are ignored. */
  apply(event: DomainEvent): void {
    const s = this.state;
    switch (event.type) {
      case 'RunStarted':
        s.lifecycle = 'running';
        s.projectId = event.data.projectId;
        s.startedAt = event.data.startedAt;
        break;
      case 'RunDescribed':
        s.description = event.data.description;
        break;
      case 'InputDeclared': {
        const inputs = this.map('inputs');
        const { path, dataset, version } = event.data;
        const entry: RecordedData = { path, dataset, version };
        inputs.set(path, [...(inputs.get(path) ?? []), entry]);
        break;
      }
      case 'OutputDeclared': {
        const { path, dataset, version } = event.data;
        this.map('outputs').set(path, { path, dataset, version });
        break;
      }
      case 'ParameterRecorded':
        this.map('parameters').set(event.data.name, recorded(event.data.value));
        break;
      case 'MetricRecorded': {
        const metrics = this.map('metrics');
        const { name, value, step } = event.data;
        const previous = metrics.get(name);
        const head: MetricSeriesHead = { last: value, lastStep: step ?? previous?.lastStep ?? null };
        metrics.set(name, head);
        break;
      }
      case 'MetricsRecorded': {
        const metrics = this.map('metrics');
        for (const series of event.data.series) {
          const previous = metrics.get(series.name);
          metrics.set(series.name, { last: series.values[series.values.length - 1]!, lastStep: lastStepOf(series, previous?.lastStep ?? null) });
        }
        break;
      }
      case 'SummaryRecorded':
        this.map('summaries').set(event.data.name, recorded(event.data.value));
        break;
      case 'LabelAdded':
        this.map('labels').set(event.data.name, event.data.value);
        break;
      case 'ModelDeclared':
        this.map('models').set(event.data.name, recorded(event.data));
        break;
      case 'RunErrored':
        s.errored = true;
        break;
      case 'RunAbandoned':
        s.lifecycle = 'abandoned';
        break;
      case 'RunPublished':
        s.lifecycle = 'published';
        s.publishedAt = event.data.endedAt;
        break;
      default:
        return;
    }
    s.eventCount++;
  }
}

/** The state after one more event of the run stream. Pure: `state` is not changed. */
export function evolveRun(state: RunState, event: DomainEvent): RunState {
  const draft = new RunStateDraft(state);
  draft.apply(event);
  return draft.state;
}

/** The state after a sequence of events (a stream replay): one working copy for all of them. */
export function evolveRunAll(state: RunState, events: Iterable<DomainEvent>): RunState {
  const draft = new RunStateDraft(state);
  for (const event of events) draft.apply(event);
  return draft.state;
}

import fc from 'fast-check';
import type { EventData, EventType, JsonValue } from '../../src/index.js';
import type { History } from './history.js';

/** One thing a script (or the SDK on its behalf) does; indexes pick among what exists, modulo its count. */
export type Action =
  | { kind: 'start'; user: number }
  | { kind: 'parameter' | 'summary' | 'label'; run: number; name: number; value: JsonValue }
  | { kind: 'metric'; run: number; name: number; value: JsonValue; step: number | undefined }
  | { kind: 'metrics'; run: number; points: Array<{ name: number; value: JsonValue; step: number | undefined }> }
  | { kind: 'describe'; run: number; text: string }
  | { kind: 'input'; run: number; dataset: number; pick: number; external: boolean; declareFirst: boolean }
  | { kind: 'output'; run: number; dataset: number; content: number }
  | { kind: 'model'; run: number; model: number }
  | { kind: 'error'; run: number }
  | { kind: 'publish'; run: number };

const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((v) => (v === 0 ? 0 : v));
const jsonValue: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.integer(),
  finite,
  fc.string({ maxLength: 6 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer({ min: -9, max: 9 }), { maxLength: 3 }),
  fc.record({ top1: finite, note: fc.string({ maxLength: 3 }) }),
);
const index = fc.nat({ max: 50 });
const names = ['lr', 'loss', 'constructor', 'acc'];

export const actionArbitrary: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('start' as const), user: fc.nat({ max: 2 }) }), weight: 3 },
  fc.record({ kind: fc.constantFrom('parameter' as const, 'summary' as const, 'label' as const), run: index, name: fc.nat({ max: 3 }), value: jsonValue }),
  {
    arbitrary: fc.record({
      kind: fc.constant('metric' as const),
      run: index,
      name: fc.nat({ max: 3 }),
      value: fc.oneof({ arbitrary: finite, weight: 4 }, jsonValue),
      step: fc.option(fc.nat({ max: 100 }), { nil: undefined }),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('metrics' as const),
      run: index,
      points: fc.array(
        fc.record({
          name: fc.nat({ max: 3 }),
          value: fc.oneof({ arbitrary: finite, weight: 4 }, jsonValue),
          step: fc.option(fc.nat({ max: 100 }), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 12 },
      ),
    }),
    weight: 1,
  },
  fc.record({ kind: fc.constant('describe' as const), run: index, text: fc.string({ maxLength: 8 }) }),
  {
    arbitrary: fc.record({
      kind: fc.constant('input' as const),
      run: index,
      dataset: fc.nat({ max: 2 }),
      pick: index,
      external: fc.boolean(),
      declareFirst: fc.boolean(),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('output' as const), run: index, dataset: fc.nat({ max: 2 }), content: fc.nat({ max: 5 }) }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('model' as const), run: index, model: fc.nat({ max: 1 }) }), weight: 2 },
  fc.record({ kind: fc.constant('error' as const), run: index }),
  { arbitrary: fc.record({ kind: fc.constant('publish' as const), run: index }), weight: 2 },
);

type Step = (history: History) => Promise<unknown>;

/**
 * Turns actions into a valid history — annotations only on started,
 * unpublished runs; parameters immutable; versions numbered per name — as
 * steps to run against a History (each step appends one or more events).
 */
export function planHistory(actions: readonly Action[]): Step[] {
  const runs: Array<{ id: string; open: boolean; parameters: Set<string>; metrics: Record<string, JsonValue> }> = [];
  const datasets = new Map<string, string[]>();
  const models = new Map<string, number>();
  const steps: Step[] = [];
  let fresh = 0;
  const emit =
    <T extends EventType>(stream: string, type: T, data: EventData<T>): Step =>
    (h) =>
      h.emit(stream, type, data);
  const openRun = (i: number) => {
    const open = runs.filter((r) => r.open);
    return open.length === 0 ? undefined : open[i % open.length];
  };
  const newVersion = (dataset: string, content: string, producedBy?: string): Step => {
    const versions = datasets.get(dataset) ?? [];
    versions.push(content);
    datasets.set(dataset, versions);
    const version = versions.length;
    return (h) => h.datasetVersion(dataset, version, content, producedBy);
  };

  for (const a of actions) {
    if (a.kind === 'start') {
      const id = `run${runs.length}`;
      runs.push({ id, open: true, parameters: new Set(), metrics: {} });
      steps.push((h) => h.start(id, ['ada', 'bob', 'cy'][a.user]));
      continue;
    }
    const run = openRun(a.run);
    if (!run) continue;
    const stream = `run-${run.id}`;
    const name = names[a.kind === 'parameter' || a.kind === 'summary' || a.kind === 'label' || a.kind === 'metric' ? a.name : 0]!;
    switch (a.kind) {
      case 'parameter':
        if (run.parameters.has(name)) break;
        run.parameters.add(name);
        steps.push(emit(stream, 'ParameterRecorded', { name, value: a.value }));
        break;
      case 'summary':
        steps.push(emit(stream, 'SummaryRecorded', { name, value: a.value }));
        break;
      case 'label':
        steps.push(emit(stream, 'LabelAdded', { name, value: JSON.stringify(a.value) }));
        break;
      case 'metric':
        run.metrics[name] = a.value;
        steps.push((h) => h.metric(run.id, name, a.value, a.step));
        break;
      case 'metrics': {
        const points = a.points.map((p) => ({ name: names[p.name]!, value: p.value, step: p.step }));
        for (const p of points) run.metrics[p.name] = p.value;
        steps.push((h) => h.metrics(run.id, points));
        break;
      }
      case 'describe':
        steps.push(emit(stream, 'RunDescribed', { description: a.text }));
        break;
      case 'input': {
        const dataset = `ds${a.dataset}`;
        const known = datasets.get(dataset) ?? [];
        if (a.external || known.length === 0) {
          const content = `external-${fresh++}`;
          const declare: Step = (h) => h.input(run.id, dataset, content);
          const version = newVersion(dataset, content);
          steps.push(...(a.declareFirst ? [declare, version] : [version, declare]));
        } else {
          const content = known[a.pick % known.length]!;
          steps.push((h) => h.input(run.id, dataset, content));
        }
        break;
      }
      case 'output': {
        const dataset = `ds${a.dataset}`;
        const content = `${dataset}-content-${a.content}`;
        steps.push((h) => h.output(run.id, dataset, content), newVersion(dataset, content, run.id));
        break;
      }
      case 'model': {
        const model = `model${a.model}`;
        const version = (models.get(model) ?? 0) + 1;
        models.set(model, version);
        const metrics = { ...run.metrics };
        steps.push(emit(stream, 'ModelDeclared', { name: model, path: `models/${model}`, framework: 'torch' }), (h) =>
          h.modelVersion(model, version, `${model}-weights-${version}`, run.id, metrics),
        );
        break;
      }
      case 'error':
        steps.push(emit(stream, 'RunErrored', { message: 'failed', detail: { code: 1 } }));
        break;
      case 'publish':
        run.open = false;
        steps.push((h) => h.publishRun(run.id));
        break;
    }
  }
  return steps;
}

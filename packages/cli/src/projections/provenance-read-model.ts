import {
  parseModelReference,
  type DatasetsState,
  type Dotscience,
  type ModelReference,
  type ModelsState,
  type ProvenanceReadModel,
  type RunView,
  versionStreamId,
} from '@dotscience/sdk';
import { reportCatchUp } from '../runs/run-read-model.js';

/**
 * The datasets, models and provenance read model (the runs read model's file,
 * D118), caught up with the log's tail under its own checkpoint (D142: the runs
 * are not caught up); a rebuild or passed-over events are reported once, as for
 * the runs.
 */
export async function provenanceReadModel(ds: Dotscience): Promise<ProvenanceReadModel> {
  const model = await ds.provenanceReadModel();
  reportCatchUp(await model.catchUp());
  return model;
}

const byName = <V extends { name: string }>(views: readonly V[]): Record<string, V> => {
  const record: Record<string, V> = {};
  for (const view of views) Object.defineProperty(record, view.name, { value: view, enumerable: true, writable: true, configurable: true });
  return record;
};

/**
 * The models a reference to one model needs to resolve (`resolveModelReference`):
 * that model alone, or every model when none has its name (the error lists them).
 */
export async function modelsFor(ds: Dotscience, reference: string | ModelReference, project?: string): Promise<ModelsState> {
  const { name } = typeof reference === 'string' ? parseModelReference(reference) : reference;
  const model = await provenanceReadModel(ds);
  const one = await model.model(versionStreamId(project, name));
  const views = one === undefined ? await model.models() : [one];
  // Keyed as the models projection keys them: by stream id, `<project>:<name>` outside the default project (D122).
  const record: ModelsState = {};
  for (const view of views)
    Object.defineProperty(record, versionStreamId(view.project, view.name), { value: view, enumerable: true, writable: true, configurable: true });
  return record;
}

/**
 * The datasets state as far as reading the named datasets needs: those datasets,
 * or every dataset when one of them is not recorded (an error then lists them).
 */
export async function datasetsFor(ds: Dotscience, names: Iterable<string>): Promise<DatasetsState> {
  const model = await provenanceReadModel(ds);
  const views = await Promise.all([...new Set(names)].map((name) => model.dataset(name)));
  const datasets = views.every((v) => v !== undefined) ? views : await model.datasets();
  return { datasets: byName(datasets), matching: { versions: {}, awaiting: {} } };
}

/**
 * The datasets a run declares (inputs and outputs), as far as `runDetails` reads them. A run that declares
 * none needs no dataset: the provenance entries are then not caught up (`ds show` reads the runs alone, D142).
 */
export async function datasetsOf(ds: Dotscience, run: RunView): Promise<DatasetsState> {
  const names = [...run.inputs, ...run.outputs].map((d) => d.dataset);
  if (names.length === 0) return { datasets: {}, matching: { versions: {}, awaiting: {} } };
  return datasetsFor(ds, names);
}

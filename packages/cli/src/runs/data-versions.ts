import { contentKey, datasetsProjection, type DatasetsState, type DeclaredData, type Dotscience } from '@dotscience/sdk';
import { currentState } from '../projections/current-state.js';

export async function datasetsState(ds: Dotscience): Promise<DatasetsState> {
  return currentState(ds, datasetsProjection);
}

/** The version number of the dataset version a declared input or output is, when it was recorded as one. */
export function versionNumberOf(datasets: DatasetsState, declared: DeclaredData): number | undefined {
  const key = contentKey(declared.version);
  if (key === null || !Object.hasOwn(datasets.datasets, declared.dataset)) return undefined;
  const versions = datasets.datasets[declared.dataset]!.versions;
  for (let i = versions.length - 1; i >= 0; i--) if (contentKey(versions[i]!.ref) === key) return versions[i]!.version;
  return undefined;
}

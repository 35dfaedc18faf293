import { contentKey, type DatasetsState, type DeclaredData } from '@dotscience/sdk';

/** The version number of the dataset version a declared input or output is, when it was recorded as one. */
export function versionNumberOf(datasets: DatasetsState, declared: DeclaredData): number | undefined {
  const key = contentKey(declared.version);
  if (key === null || !Object.hasOwn(datasets.datasets, declared.dataset)) return undefined;
  const versions = datasets.datasets[declared.dataset]!.versions;
  for (let i = versions.length - 1; i >= 0; i--) if (contentKey(versions[i]!.ref) === key) return versions[i]!.version;
  return undefined;
}

import type { DatasetsState } from '@dotscience/sdk';
import { renderTable } from './text-table.js';
import { byteSize, shortDigest, timeText } from './value-text.js';
import { versionLabel } from './version-label.js';

/** `ds datasets`: one row per dataset version, with the run that wrote it and how many runs read it. */
export function datasetTable(state: DatasetsState, idLength: number): string {
  const names = Object.keys(state.datasets).sort();
  if (names.length === 0) return 'No datasets recorded yet.';
  const rows = names.flatMap((name) =>
    state.datasets[name]!.versions.map((v) => [
      versionLabel(name, v, state.datasets[name]!.versions),
      byteSize(v.bytes),
      String(v.files),
      shortDigest(v.ref.digest),
      v.producedBy === null ? '(external)' : v.producedBy.slice(0, idLength),
      String(v.consumedBy.length),
      timeText(v.createdAt),
    ]),
  );
  return renderTable(['DATASET', 'SIZE', 'FILES', 'DIGEST', 'PRODUCED BY', 'USED BY', 'CREATED'], rows);
}

import type { ModelsState, ModelView } from '@dotscience/sdk';
import { renderTable } from './text-table.js';
import { byteSize, shortDigest, timeText, valueText } from './value-text.js';
import { versionLabel } from './version-label.js';

/** The aliases that point at `version` now, comma-separated. */
function aliasesOf(model: ModelView, version: number): string {
  return Object.keys(model.aliases ?? {})
    .filter((alias) => model.aliases[alias] === version)
    .sort()
    .join(',');
}

/** `ds models`: one row per model version, with its producing run and the metrics it was published with. */
export function modelTable(state: ModelsState, idLength: number): string {
  const names = Object.keys(state).sort();
  if (names.length === 0) return 'No models recorded yet.';
  const rows = names.flatMap((name) =>
    state[name]!.versions.map((v) => [
      versionLabel(name, v, state[name]!.versions),
      v.framework ?? '',
      byteSize(v.ref.bytes),
      shortDigest(v.ref.digest),
      v.producedBy.slice(0, idLength),
      timeText(v.createdAt),
      aliasesOf(state[name]!, v.version),
      Object.keys(v.tags ?? {})
        .sort()
        .map((k) => `${k}=${v.tags[k]}`)
        .join(' '),
      Object.keys(v.metrics)
        .sort()
        .map((k) => `${k}=${valueText(v.metrics[k])}`)
        .join(' '),
    ]),
  );
  return renderTable(['MODEL', 'FRAMEWORK', 'SIZE', 'DIGEST', 'PRODUCED BY', 'CREATED', 'ALIASES', 'TAGS', 'METRICS'], rows);
}

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** One iris flower: four measurements in cm and its species. */
export interface IrisSample {
  features: [number, number, number, number];
  species: string;
}

export const FEATURE_NAMES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] as const;
const HEADER = [...FEATURE_NAMES, 'species'].join(',');

/** Write samples as CSV with a header row (creating the directory). */
export function writeIrisCsv(path: string, samples: readonly IrisSample[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const lines = samples.map((s) => [...s.features, s.species].join(','));
  writeFileSync(path, `${[HEADER, ...lines].join('\n')}\n`);
}

/** Read a CSV written by writeIrisCsv; a row that does not fit is an error naming the file and line. */
export function readIrisCsv(path: string): IrisSample[] {
  const [header, ...rows] = readFileSync(path, 'utf8').trimEnd().split('\n');
  if (header !== HEADER) throw new Error(`${path}: expected the header "${HEADER}", found "${header}"`);
  return rows.map((row, i) => {
    const cells = row.split(',');
    const features = cells.slice(0, 4).map(Number);
    const species = cells[4];
    if (cells.length !== 5 || features.some((f) => !Number.isFinite(f)) || !species) {
      throw new Error(`${path}:${i + 2}: expected four numbers and a species, found "${row}"`);
    }
    return { features: features as IrisSample['features'], species };
  });
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One table of docs/reliability.md: what was measured under one failure class. */
export interface FigureSection {
  /** File name and sort key, e.g. `1-kills`. */
  id: string;
  title: string;
  rows: Array<[measure: string, value: string | number]>;
  notes?: string[];
}

/** Where the fault files leave their figures for run-campaign.mjs to render. */
export function figuresDirectory(): string {
  return process.env.DOTSCIENCE_FAULTS_FIGURES ?? join(tmpdir(), 'dotscience-fault-figures');
}

export function recordFigures(section: FigureSection): void {
  const dir = figuresDirectory();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${section.id}.json`), `${JSON.stringify(section, null, 2)}\n`);
}

/** Median and maximum of some durations, in milliseconds with one decimal. */
export function medianAndMax(values: readonly number[]): { median: string; max: string } {
  if (values.length === 0) return { median: 'n/a', max: 'n/a' };
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { median: `${median.toFixed(1)} ms`, max: `${sorted[sorted.length - 1]!.toFixed(1)} ms` };
}

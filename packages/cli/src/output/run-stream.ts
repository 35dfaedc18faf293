import { withParent, type JsonValue, type RunView } from '@dotscience/sdk';

/** Writes to stdout, waiting for it to drain when its buffer is full, so a stream of 100k runs holds a few in memory. */
async function write(text: string): Promise<void> {
  if (!process.stdout.write(text)) await new Promise<void>((resolve) => process.stdout.once('drain', resolve));
}

/** The runs as one JSON array, written as they come: the same text `printJson` gives for the whole list. */
export async function streamJsonArray(runs: AsyncIterable<RunView>): Promise<void> {
  let first = true;
  for await (const run of runs) {
    const item = JSON.stringify(withParent(run), null, 2).replace(/\n/g, '\n  ');
    await write(`${first ? '[\n' : ',\n'}  ${item}`);
    first = false;
  }
  await write(first ? '[]\n' : '\n]\n');
}

/** One run per line (NDJSON), each with "parent". */
export async function streamNdjson(runs: AsyncIterable<RunView>): Promise<void> {
  for await (const run of runs) await write(`${JSON.stringify(withParent(run))}\n`);
}

/** A value in full (a spreadsheet gets every digit): strings as written, other JSON compact. */
const csvValue = (value: JsonValue): string => (typeof value === 'string' ? value : JSON.stringify(value));

const csvCell = (text: string): string => (/[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);

const KEYED = ['parameters', 'metrics', 'summary', 'labels', 'tags'] as const;
const COLUMN_PREFIX: Record<(typeof KEYED)[number], string> = { parameters: 'params', metrics: 'metrics', summary: 'summary', labels: 'labels', tags: 'tags' };

/** A run's values of one part (tags are absent on a run never tagged). */
const partOf = (run: RunView, part: (typeof KEYED)[number]): Record<string, unknown> => (part === 'tags' ? (run.tags ?? {}) : run[part]);

/**
 * The runs as CSV for a spreadsheet: id, parent, status, times, description,
 * then one column per parameter, metric (last value), summary value,
 * label and tag any of them has. Two passes over the runs (names, then rows), so
 * memory holds the column names, not the runs.
 */
export async function streamCsv(runs: () => AsyncIterable<RunView>): Promise<void> {
  const names = { parameters: new Set<string>(), metrics: new Set<string>(), summary: new Set<string>(), labels: new Set<string>(), tags: new Set<string>() };
  for await (const run of runs()) for (const part of KEYED) for (const key of Object.keys(partOf(run, part))) names[part].add(key);
  const keyed = KEYED.flatMap((part) => [...names[part]].sort().map((key) => ({ part, key })));
  await write(
    `${['run_id', 'parent', 'status', 'started_at', 'ended_at', 'description', ...keyed.map(({ part, key }) => `${COLUMN_PREFIX[part]}.${key}`)].map(csvCell).join(',')}\n`,
  );
  for await (const run of runs()) {
    const cells = [run.runId, withParent(run).parent ?? '', run.status, run.startedAt, run.endedAt ?? '', run.description ?? ''];
    for (const { part, key } of keyed) {
      const values = partOf(run, part);
      const value = (Object.hasOwn(values, key) ? (part === 'metrics' ? run.metrics[key]!.last : values[key]) : undefined) as JsonValue | undefined;
      cells.push(value === undefined || value === null ? '' : csvValue(value));
    }
    await write(`${cells.map(csvCell).join(',')}\n`);
  }
}

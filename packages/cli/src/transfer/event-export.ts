import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { once } from 'node:events';
import type { EventStore } from '@dotscience/sdk';

export interface ExportReport {
  events: number;
  streams: number;
}

async function writeEvents(events: EventStore, out: NodeJS.WritableStream): Promise<ExportReport> {
  const streams = new Set<string>();
  let count = 0;
  for await (const e of events.readAll()) {
    streams.add(e.stream);
    count++;
    if (!out.write(`${JSON.stringify(e)}\n`)) await once(out, 'drain');
  }
  return { events: count, streams: streams.size };
}

/**
 * Every recorded event, in global order, one JSON object per line (NDJSON) —
 * the whole envelope, so ids and hashes travel with the events. To a file: a
 * temp file renamed into place, so a failed export leaves no half file.
 */
export async function exportEvents(events: EventStore, outFile: string | undefined): Promise<ExportReport> {
  if (outFile === undefined) return writeEvents(events, process.stdout);
  const temp = join(dirname(outFile), `.${basename(outFile)}.exporting-${process.pid}`);
  const out = createWriteStream(temp, { flags: 'wx' });
  try {
    const report = await writeEvents(events, out);
    out.end();
    await once(out, 'close');
    await rename(temp, outFile);
    return report;
  } catch (error) {
    out.destroy();
    await rm(temp, { force: true });
    throw error;
  }
}

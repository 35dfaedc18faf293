import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsEventStore } from '@dotscience/adapters-fs';
import { defaultUpcasters, metricPointsOf, type RecordedEvent, type RecordedMetricPoint } from '@dotscience/core';
import { afterEach, beforeEach } from 'vitest';
import { DotscienceClient, type DotscienceClientOptions } from '../../src/index.js';

export interface Workspace {
  /** A fresh temp directory, also the process's working directory during the test. */
  dir: string;
  /** Lines the clients said (their stderr). */
  notices: string[];
  client(options?: DotscienceClientOptions): DotscienceClient;
  /** Every event in the workspace's store, read without the writer lock. */
  events(): Promise<RecordedEvent[]>;
  /** The types of one run's events, in order. */
  runTypes(runId: string): Promise<string[]>;
}

/** A temp project per test with the real fs store; relative data paths resolve in it. */
export function useWorkspace(): Workspace {
  const clients: DotscienceClient[] = [];
  const workspace: Workspace = {
    dir: '',
    notices: [],
    client(options = {}) {
      const c = new DotscienceClient({
        cwd: workspace.dir,
        env: {},
        hashWorkers: 1,
        exitHandling: false,
        scriptPath: 'train.ts',
        log: (line) => workspace.notices.push(line),
        ...options,
      });
      clients.push(c);
      return c;
    },
    async events() {
      const store = await FsEventStore.open(join(workspace.dir, '.dotscience', 'events'), { readOnly: true });
      try {
        const all: RecordedEvent[] = [];
        for await (const e of store.readAll()) all.push(e);
        return all;
      } finally {
        await store.close();
      }
    },
    async runTypes(runId) {
      return (await workspace.events()).filter((e) => e.stream === `run-${runId}`).map((e) => e.type);
    },
  };
  let previousCwd = '';
  beforeEach(async () => {
    workspace.dir = await mkdtemp(join(tmpdir(), 'ds-sdk-'));
    workspace.notices.length = 0;
    await writeFile(join(workspace.dir, 'train.ts'), "import * as ds from '@dotscience/sdk';\n");
    previousCwd = process.cwd();
    process.chdir(workspace.dir);
  });
  afterEach(async () => {
    process.chdir(previousCwd);
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await rm(workspace.dir, { recursive: true, force: true });
  });
  return workspace;
}

export function ofType(events: RecordedEvent[], type: string): RecordedEvent[] {
  return events.filter((e) => e.type === type);
}

/** Every metric point the events record (MetricRecorded and MetricsRecorded batches), in stream order. */
export function metricPoints(events: RecordedEvent[]): RecordedMetricPoint[] {
  return events.flatMap((e) => (e.type === 'MetricRecorded' || e.type === 'MetricsRecorded' ? metricPointsOf(defaultUpcasters.upcast(e)) : []));
}

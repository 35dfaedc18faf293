import { randomUUID } from 'node:crypto';
import type { JsonValue } from '@dotscience/core';

/** The time every event of these tests carries. */
export const AT = '2026-01-01T00:00:00.000Z';

/** A new event of `type` with `data`, a fresh id and no meta. */
export const event = (type: string, data: JsonValue) => ({ id: randomUUID(), type, schemaVersion: 1, data, meta: {} });

/** The data of a valid RunStarted of run `runId` in `projectId` (a script run). */
export const runStartedData = (runId: string, projectId: string) => ({
  runId,
  projectId,
  mode: 'script',
  workload: { script: 'train.py' },
  codeVersion: {},
  environment: { runtime: 'node', os: 'linux', host: 'h', user: 'u' },
  startedAt: AT,
});

/** A valid RunStarted of run `runId` in `projectId` (a script run), what the gate admits as a run's first event. */
export const runStarted = (runId: string, projectId: string) => event('RunStarted', runStartedData(runId, projectId));

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GatedEventStore, type NewEvent } from '@dotscience/core';
import { InMemoryEventStore } from '@dotscience/core/testing';
import { syncStores, type SyncSide } from '../../src/hub/store-sync.js';

const AT = '2026-03-01T09:00:00.000Z';
const started = (runId: string): NewEvent => ({
  id: randomUUID(),
  type: 'RunStarted',
  schemaVersion: 1,
  data: {
    runId,
    projectId: 'team',
    mode: 'script',
    workload: {},
    codeVersion: {},
    environment: { runtime: 'node', os: 'linux', host: 'h', user: 'u' },
    startedAt: AT,
  },
  meta: {},
});
const parameter = (name: string, value: number): NewEvent => ({
  id: randomUUID(),
  type: 'ParameterRecorded',
  schemaVersion: 1,
  data: { name, value },
  meta: {},
});

const noObjects = { hasObject: async () => false, readObject: async () => undefined, writeObject: async () => false };

describe('a push that never strands a run (docs/decisions.md D105)', () => {
  it('given a run stream the hub holds diverged and one its gate refuses, when pushed, then every other run is copied and each refused stream is named with its rule', async () => {
    const local = new InMemoryEventStore(() => AT);
    const hubStore = new InMemoryEventStore(() => AT);
    const hub: SyncSide = { events: new GatedEventStore(hubStore), objects: noObjects };
    // Diverged: the same run id recorded differently on the hub.
    await local.append('run-twin', [started('twin')]);
    await hubStore.append('run-twin', [started('twin')]);
    // Refused by the hub's gate: a parameter recorded before the run started (planted in the local log).
    await local.append('run-broken', [parameter('lr', 1)]);
    for (const id of ['a', 'b']) await local.append(`run-${id}`, [started(id), parameter('lr', 1)]);

    const report = await syncStores({ events: local, objects: noObjects }, hub);

    expect(report.refused.map((r) => [r.stream, r.rule])).toEqual(
      expect.arrayContaining([
        ['run-twin', 'SYNC_CONFLICT'],
        ['run-broken', expect.any(String)],
      ]),
    );
    expect(report.refused).toHaveLength(2);
    expect(report.refused.find((r) => r.stream === 'run-broken')!.reason).toMatch(/—/);
    for (const id of ['a', 'b']) {
      const copied: string[] = [];
      for await (const e of hubStore.readStream(`run-${id}`)) copied.push(e.type);
      expect(copied).toEqual(['RunStarted', 'ParameterRecorded']);
    }
  });
});

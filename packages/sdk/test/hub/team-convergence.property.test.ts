import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AppendGate,
  datasetsProjection,
  GatedEventStore,
  modelsProjection,
  recordDatasetVersion,
  recordModelVersion,
  replay,
  runsProjection,
  type EventStore,
  type RunServices,
  type VersionRef,
} from '@dotscience/core';
import { InMemoryEventStore } from '@dotscience/core/testing';
import { syncStores, type SyncSide } from '../../src/hub/store-sync.js';

/** Objects by digest, in memory (these histories reference digests only; no bytes are needed to converge). */
class MemoryObjects {
  private readonly objects = new Map<string, Buffer>();
  async hasObject(digest: string): Promise<boolean> {
    return this.objects.has(digest);
  }
  async readObject(digest: string): Promise<{ size: number; stream: NodeJS.ReadableStream } | undefined> {
    const bytes = this.objects.get(digest);
    return bytes === undefined ? undefined : { size: bytes.length, stream: Readable.from([bytes]) };
  }
  async writeObject(digest: string, content: AsyncIterable<Uint8Array>): Promise<boolean> {
    const chunks: Buffer[] = [];
    for await (const c of content) chunks.push(Buffer.from(c));
    const had = this.objects.has(digest);
    this.objects.set(digest, Buffer.concat(chunks));
    return !had;
  }
}

const ref = (n: number): VersionRef => ({ store: 'mem', digest: `sha256:${n.toString(16).padStart(64, '0')}`, kind: 'file', bytes: n, files: 1 });
const AT = '2026-03-01T09:00:00.000Z';

/** A workstation's store: the SDK's version numbering writes through it ('local'). */
function workstation(): SyncSide {
  return { events: new InMemoryEventStore(() => AT), objects: new MemoryObjects() };
}

function startedRun(runId: string) {
  return {
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
  };
}

/** Record, offline, a run that writes a version of `preds` and `clf` with `content`, as the SDK's publication does. */
async function recordRun(events: EventStore, content: number): Promise<void> {
  const runId = randomUUID();
  await events.append(`run-${runId}`, [startedRun(runId)]);
  const services = { events, ids: { newId: () => randomUUID() } } as unknown as RunServices;
  await recordDatasetVersion(services, {}, { name: 'preds', ref: ref(content), path: 'out/preds.csv', producedBy: runId, policy: 'changed' });
  await recordModelVersion(services, {}, { name: 'clf', ref: ref(100 + content), path: 'model', producedBy: runId, metrics: {} });
}

type Action = { kind: 'run'; store: number; content: number } | { kind: 'push' | 'pull'; store: number };
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('run' as const), store: fc.nat({ max: 2 }), content: fc.nat({ max: 3 }) }),
  fc.record({ kind: fc.constantFrom('push' as const, 'pull' as const), store: fc.nat({ max: 2 }) }),
);

const push = (from: SyncSide, hub: SyncSide) => syncStores(from, hub, { settleVersions: true });
const pull = (hub: SyncSide, to: SyncSide) => syncStores(hub, to, { gate: new AppendGate(to.events, { merging: true }) });

/**
 * What every store must agree on: the listings without store-local positions and times (a
 * model's registry history is the order and time this store recorded each change: store-local too).
 */
async function listings(events: EventStore): Promise<unknown> {
  const [runs, datasets, models] = await Promise.all([replay(events, runsProjection), replay(events, datasetsProjection), replay(events, modelsProjection)]);
  const shared = { runs: runs.state, datasets: datasets.state.datasets, models: models.state };
  return JSON.parse(JSON.stringify(shared), (key, v: unknown) => (/position$/i.test(key) || key === 'createdAt' || key === 'history' ? undefined : v));
}

describe('a team of three workstations and a hub (docs/decisions.md D104)', () => {
  it('given random offline runs and random pushes and pulls, when every store pushes then pulls, then all four list the same runs, datasets and models, each version numbered once by the hub', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 14 }), async (actions) => {
        const hubStore = new InMemoryEventStore(() => AT);
        const hub: SyncSide = { events: new GatedEventStore(hubStore), objects: new MemoryObjects() };
        const stores = [workstation(), workstation(), workstation()];
        let runs = 0;
        for (const a of actions) {
          const store = stores[a.store]!;
          if (a.kind === 'run') {
            await recordRun(store.events, a.content);
            runs++;
          } else {
            const report = a.kind === 'push' ? await push(store, hub) : await pull(hub, store);
            expect(report.refused).toEqual([]);
          }
        }
        for (const store of stores) expect((await push(store, hub)).refused).toEqual([]);
        for (const store of stores) expect((await pull(hub, store)).refused).toEqual([]);

        const expected = await listings(hubStore);
        for (const store of stores) expect(await listings(store.events)).toEqual(expected);
        const { datasets, models } = expected as {
          datasets: Record<string, { versions: { version: number; numbering: string }[] }>;
          models: Record<string, { versions: { version: number; numbering: string }[] }>;
        };
        for (const listing of [datasets.preds, models.clf]) {
          if (!listing) continue;
          // Numbered 1..n by the hub: no number given twice, none skipped, none left provisional.
          expect(listing.versions.map((v) => v.version)).toEqual(listing.versions.map((_, i) => i + 1));
          expect(listing.versions.every((v) => v.numbering === 'hub')).toBe(true);
        }
        expect(Object.keys((expected as { runs: object }).runs)).toHaveLength(runs);
      }),
      { numRuns: 60 },
    );
  }, 300_000);

  it('given a store and a hub that each recorded version 1 of preds before numbering was recorded (an older dotscience), when the store pushes and pulls, then both list the hub’s 1 and the store’s version settled as 2', async () => {
    const hubStore = new InMemoryEventStore(() => AT);
    const hub: SyncSide = { events: new GatedEventStore(hubStore), objects: new MemoryObjects() };
    const store = workstation();
    const legacyVersion = async (events: EventStore, content: number): Promise<void> => {
      const runId = randomUUID();
      await events.append(`run-${runId}`, [startedRun(runId)]);
      await events.append('dataset-preds', [
        {
          id: randomUUID(),
          type: 'DatasetVersionCreated',
          schemaVersion: 1,
          data: { name: 'preds', version: 1, ref: ref(content) as never, bytes: 1, files: 1, producedBy: runId },
          meta: {},
        },
      ]);
    };
    await legacyVersion(hubStore, 1);
    await legacyVersion(store.events, 2);
    expect((await push(store, hub)).refused).toEqual([]);
    expect((await pull(hub, store)).refused).toEqual([]);
    const expected = await listings(hubStore);
    expect(await listings(store.events)).toEqual(expected);
    const versions = (expected as { datasets: Record<string, { versions: { version: number; numbering: string }[] }> }).datasets.preds!.versions;
    expect(versions.map((v) => [v.version, v.numbering])).toEqual([
      [1, 'recorded'],
      [2, 'hub'],
    ]);
  });
});

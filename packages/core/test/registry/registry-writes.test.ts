import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppendRefusedError, annotateRun, changeModelRegistry, RegistryError, type RegistryWriter } from '../../src/index.js';
import { InMemoryEventStore, TEST_RUN_ID } from '../../src/testing/index.js';
import { proposed } from '../gate/gate-fixture.js';
import { ref, started } from '../run/run-fixtures.js';

function writer(): RegistryWriter & { events: InMemoryEventStore } {
  return { events: new InMemoryEventStore(() => '2026-02-01T00:00:00.000Z'), ids: { newId: randomUUID }, meta: { actor: { user: 'ann', host: 'lab' } } };
}

async function types(store: InMemoryEventStore, stream: string): Promise<string[]> {
  const seen: string[] = [];
  for await (const e of store.readStream(stream)) seen.push(e.type);
  return seen;
}

describe('recording registry changes', () => {
  it('moves an alias with one event per move on the model stream, with who wrote it', async () => {
    const w = writer();
    await w.events.append(`run-${TEST_RUN_ID}`, [proposed(started)]);
    for (const version of [1, 2]) {
      await w.events.append('model-clf', [
        proposed({ type: 'ModelVersionCreated', data: { name: 'clf', version, ref: ref(version), producedBy: TEST_RUN_ID, metrics: {} } }),
      ]);
    }
    await changeModelRegistry(w, 'clf', { kind: 'setAlias', alias: 'champion', version: 1 });
    await changeModelRegistry(w, 'clf', { kind: 'setAlias', alias: 'champion', version: 2 });
    expect(await changeModelRegistry(w, 'clf', { kind: 'setAlias', alias: 'champion', version: 2 })).toEqual([]);
    await expect(changeModelRegistry(w, 'clf', { kind: 'removeAlias', alias: 'staging' })).rejects.toBeInstanceOf(RegistryError);
    expect(await types(w.events, 'model-clf')).toEqual(['ModelVersionCreated', 'ModelVersionCreated', 'ModelAliasSet', 'ModelAliasSet']);
    const last = [];
    for await (const e of w.events.readStream('model-clf', { fromRevision: 3 })) last.push(e);
    expect(last[0]).toMatchObject({ data: { alias: 'champion', version: 2 }, meta: { actor: { user: 'ann', host: 'lab' } } });
  });

  it('annotates a run on its runmeta stream, leaving its run stream as it was, and refuses an unknown run', async () => {
    const w = writer();
    await expect(annotateRun(w, TEST_RUN_ID, { kind: 'note', note: 'hi' })).rejects.toBeInstanceOf(AppendRefusedError);
    await w.events.append(`run-${TEST_RUN_ID}`, [proposed(started)]);
    await annotateRun(w, TEST_RUN_ID, { kind: 'tag', key: 'team', value: 'vision' });
    await annotateRun(w, TEST_RUN_ID, { kind: 'delete', reason: 'leaked data' });
    await expect(annotateRun(w, TEST_RUN_ID, { kind: 'archive' })).rejects.toBeInstanceOf(RegistryError);
    expect(await types(w.events, `run-${TEST_RUN_ID}`)).toEqual(['RunStarted']);
    expect(await types(w.events, `runmeta-${TEST_RUN_ID}`)).toEqual(['RunTagged', 'RunDeleted']);
  });
});

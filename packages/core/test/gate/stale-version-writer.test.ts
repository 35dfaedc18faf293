import { describe, expect, it } from 'vitest';
import { AppendRefusedError, WrongExpectedRevisionError, type DomainEvent } from '../../src/index.js';
import { TEST_RUN_ID } from '../../src/testing/index.js';
import { ref, started } from '../run/run-fixtures.js';
import { gatedStore, proposed } from './gate-fixture.js';

const RUN = `run-${TEST_RUN_ID}`;
const version = (n: number, content: number): DomainEvent => ({
  type: 'DatasetVersionCreated',
  data: { name: 'preds', version: n, ref: ref(content), bytes: content, files: 1, producedBy: TEST_RUN_ID, numbering: { by: 'hub' } },
});

async function rejection(pending: Promise<unknown>): Promise<unknown> {
  return pending.then(
    () => expect.fail('the append should have been refused'),
    (e: unknown) => e,
  );
}

async function streamLength(store: ReturnType<typeof gatedStore>['store'], stream: string): Promise<number> {
  let n = 0;
  for await (const _ of store.readStream(stream)) n++;
  return n;
}

/** Two writers read a version stream, each numbers its content latest + 1, and one appends first (the hub, D104). */
describe('the gate: a writer that decided on a stream another writer has appended to since', () => {
  it('given version 1 appended by another writer, when a writer that read an empty stream appends its version 1 expecting no_stream, then it gets WRONG_EXPECTED_REVISION (re-read and renumber), not a rule refusal, and nothing is written', async () => {
    const { gated, store } = gatedStore();
    await gated.append(RUN, [proposed(started)]);
    await gated.append('dataset-preds', [proposed(version(1, 1))], { expectedRevision: 'no_stream' });
    const error = await rejection(gated.append('dataset-preds', [proposed(version(1, 2))], { expectedRevision: 'no_stream' }));
    expect(error).toBeInstanceOf(WrongExpectedRevisionError);
    expect(error).toMatchObject({ code: 'WRONG_EXPECTED_REVISION', stream: 'dataset-preds', expected: 'no_stream', actual: 0 });
    expect(await streamLength(store, 'dataset-preds')).toBe(1);
  });

  it('given versions 1 and 2, when a writer that read revision 0 appends the same content as version 2 expecting revision 0, then it gets WRONG_EXPECTED_REVISION', async () => {
    const { gated } = gatedStore();
    await gated.append(RUN, [proposed(started)]);
    await gated.append('dataset-preds', [proposed(version(1, 1)), proposed(version(2, 2))]);
    const error = await rejection(gated.append('dataset-preds', [proposed(version(2, 2))], { expectedRevision: 0 }));
    expect(error).toMatchObject({ code: 'WRONG_EXPECTED_REVISION', expected: 0, actual: 1 });
  });

  it('given version 1, when a writer at the current revision breaks the numbering, then the rule refusal stands', async () => {
    const { gated } = gatedStore();
    await gated.append(RUN, [proposed(started)]);
    await gated.append('dataset-preds', [proposed(version(1, 1))]);
    const error = await rejection(gated.append('dataset-preds', [proposed(version(5, 2))], { expectedRevision: 0 }));
    expect(error).toBeInstanceOf(AppendRefusedError);
    expect(error).toMatchObject({ rule: 'VERSION_NUMBER' });
  });

  it('given version 1, when an append states no expected revision and breaks the numbering, then the rule refusal stands', async () => {
    const { gated } = gatedStore();
    await gated.append(RUN, [proposed(started)]);
    await gated.append('dataset-preds', [proposed(version(1, 1))]);
    const error = await rejection(gated.append('dataset-preds', [proposed(version(1, 2))]));
    expect(error).toMatchObject({ rule: 'VERSION_NUMBER' });
  });
});

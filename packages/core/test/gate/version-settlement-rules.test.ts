import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppendGate, AppendRefusedError, type DomainEvent, type VersionNumbering } from '../../src/index.js';
import { InMemoryEventStore, TEST_RUN_ID } from '../../src/testing/index.js';
import { ref, started } from '../run/run-fixtures.js';
import { gatedStore, proposed } from './gate-fixture.js';

const RUN = `run-${TEST_RUN_ID}`;
const version = (n: number, content: number, numbering?: VersionNumbering): DomainEvent => ({
  type: 'DatasetVersionCreated',
  data: { name: 'preds', version: n, ref: ref(content), bytes: content, files: 1, producedBy: TEST_RUN_ID, ...(numbering ? { numbering } : {}) },
});

async function refusal(pending: Promise<unknown>): Promise<AppendRefusedError> {
  const error = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the append should have been refused').toBeInstanceOf(AppendRefusedError);
  return error as AppendRefusedError;
}

/** given: a hub's dataset stream holding settled versions 1 and 2 of preds (D104). */
async function givenHubWithTwoVersions() {
  const { gated } = gatedStore();
  await gated.append(RUN, [proposed(started)]);
  await gated.append('dataset-preds', [proposed(version(1, 1, { by: 'hub' })), proposed(version(2, 2, { by: 'hub', settles: randomUUID() }))]);
  return gated;
}

describe('the append gate: version numbers the hub settles (D104)', () => {
  it('given settled versions 1 and 2, when the hub copy of a local version is numbered 3, then it is admitted', async () => {
    const gated = await givenHubWithTwoVersions();
    await gated.append('dataset-preds', [proposed(version(3, 3, { by: 'hub', settles: randomUUID() }))]);
  });

  it('given settled versions 1 and 2, when a settling copy keeps its local number 1, then it is refused with VERSION_NUMBER naming the next settled number', async () => {
    const gated = await givenHubWithTwoVersions();
    const refused = await refusal(gated.append('dataset-preds', [proposed(version(1, 3, { by: 'hub', settles: randomUUID() }))]));
    expect(refused).toMatchObject({ rule: 'VERSION_NUMBER' });
    expect(refused.reason).toContain('next settled version of dataset preds is 3');
  });

  it('given a settled version, when another copy of the same content and producing run settles again, then it is refused (a version is settled once)', async () => {
    const gated = await givenHubWithTwoVersions();
    expect(await refusal(gated.append('dataset-preds', [proposed(version(3, 2, { by: 'hub', settles: randomUUID() }))]))).toMatchObject({
      rule: 'VERSION_ALREADY_SETTLED',
    });
  });

  it('when a version that settles another is not numbered by the hub, then it is refused with VERSION_NUMBERING', async () => {
    const gated = await givenHubWithTwoVersions();
    expect(await refusal(gated.append('dataset-preds', [proposed(version(3, 3, { by: 'local', settles: randomUUID() }))]))).toMatchObject({
      rule: 'VERSION_NUMBERING',
    });
  });

  it('given a local store whose own version claims 1, when a pull (merging) brings the hub’s versions 1 and 2, then both are admitted; a garbage producer still is not', async () => {
    const store = new InMemoryEventStore(() => '2026-02-01T00:00:00.000Z');
    await store.append(RUN, [proposed(started)]);
    await store.append('dataset-preds', [proposed(version(1, 7, { by: 'local' }))]);
    const pull = new AppendGate(store, { merging: true });
    await pull.check('dataset-preds', [
      proposed(version(1, 1, { by: 'hub', settles: randomUUID() })),
      proposed(version(2, 7, { by: 'hub', settles: randomUUID() })),
    ]);
    const strict = new AppendGate(store);
    await expect(strict.check('dataset-preds', [proposed(version(2, 1, { by: 'hub', settles: randomUUID() }))])).rejects.toMatchObject({
      rule: 'VERSION_NUMBER',
    });
    const orphan: DomainEvent = {
      type: 'DatasetVersionCreated',
      data: { name: 'preds', version: 2, ref: ref(9), bytes: 9, files: 1, producedBy: 'nobody', numbering: { by: 'hub' } },
    };
    await expect(pull.check('dataset-preds', [proposed(orphan)])).rejects.toMatchObject({ rule: 'PRODUCING_RUN_UNKNOWN' });
  });
});

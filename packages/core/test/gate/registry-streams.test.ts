import { describe, expect, it } from 'vitest';
import { AppendRefusedError, StreamAudit, type DomainEvent } from '../../src/index.js';
import { TEST_RUN_ID } from '../../src/testing/index.js';
import { ref, started } from '../run/run-fixtures.js';
import { gatedStore, proposed } from './gate-fixture.js';

async function refusal(pending: Promise<unknown>): Promise<AppendRefusedError> {
  const error = await pending.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the append should have been refused').toBeInstanceOf(AppendRefusedError);
  return error as AppendRefusedError;
}

const version1: DomainEvent = { type: 'ModelVersionCreated', data: { name: 'clf', version: 1, ref: ref(9), producedBy: TEST_RUN_ID, metrics: {} } };

describe('the append gate: the model registry on a model stream', () => {
  it('given a model with version 1, when an alias, tag or description names version 1, then it is admitted; version 2 or another model is refused', async () => {
    const { gated } = gatedStore();
    await gated.append(`run-${TEST_RUN_ID}`, [proposed(started)]);
    await gated.append('model-clf', [proposed(version1)]);
    await gated.append('model-clf', [
      proposed({ type: 'ModelAliasSet', data: { name: 'clf', alias: 'champion', version: 1 } }),
      proposed({ type: 'ModelVersionTagged', data: { name: 'clf', version: 1, key: 'stage', value: 'prod' } }),
      proposed({ type: 'ModelDescribed', data: { name: 'clf', description: 'iris classifier' } }),
      proposed({ type: 'ModelAliasRemoved', data: { name: 'clf', alias: 'champion' } }),
    ]);
    expect(await refusal(gated.append('model-clf', [proposed({ type: 'ModelAliasSet', data: { name: 'clf', alias: 'champion', version: 2 } })]))).toMatchObject(
      {
        rule: 'MODEL_VERSION_UNKNOWN',
      },
    );
    expect(
      await refusal(gated.append('model-clf', [proposed({ type: 'ModelAliasSet', data: { name: 'other', alias: 'champion', version: 1 } })])),
    ).toMatchObject({
      rule: 'VERSION_NAME_MISMATCH',
    });
  });

  it('given version 1 of content X, when an alias names X by identity under a number the stream does not hold (a provisional one), then it is admitted; an identity the stream lacks is refused', async () => {
    const { gated } = gatedStore();
    await gated.append(`run-${TEST_RUN_ID}`, [proposed(started)]);
    await gated.append('model-clf', [proposed(version1)]);
    const identity = `${ref(9).digest} ${TEST_RUN_ID}`;
    await gated.append('model-clf', [proposed({ type: 'ModelAliasSet', data: { name: 'clf', alias: 'champion', version: 4, versionIdentity: identity } })]);
    expect(
      await refusal(
        gated.append('model-clf', [
          proposed({ type: 'ModelVersionTagged', data: { name: 'clf', version: 1, versionIdentity: `${ref(8).digest} ${TEST_RUN_ID}`, key: 'k', value: 'v' } }),
        ]),
      ),
    ).toMatchObject({ rule: 'MODEL_VERSION_UNKNOWN', reason: expect.stringMatching(/push or pull that version first/) });
  });

  it('refuses an alias that looks like a version number, and registry events on a dataset stream', async () => {
    const { gated } = gatedStore();
    expect(await refusal(gated.append('model-clf', [proposed({ type: 'ModelAliasSet', data: { name: 'clf', alias: '3', version: 1 } })]))).toMatchObject({
      rule: 'INVALID_EVENT_DATA',
    });
    expect(await refusal(gated.append('dataset-clf', [proposed({ type: 'ModelAliasSet', data: { name: 'clf', alias: 'a', version: 1 } })]))).toMatchObject({
      rule: 'EVENT_NOT_IN_STREAM',
    });
  });
});

describe('the append gate: a run’s runmeta stream', () => {
  const RUNMETA = `runmeta-${TEST_RUN_ID}`;
  it('given a started run, when it is tagged, noted, archived and deleted on its runmeta stream, then each is admitted and nothing after the delete', async () => {
    const { gated, store } = gatedStore();
    expect(await refusal(gated.append(RUNMETA, [proposed({ type: 'RunTagged', data: { runId: TEST_RUN_ID, key: 'k', value: 'v' } })]))).toMatchObject({
      rule: 'RUN_UNKNOWN',
    });
    await gated.append(`run-${TEST_RUN_ID}`, [proposed(started)]);
    await gated.append(RUNMETA, [
      proposed({ type: 'RunTagged', data: { runId: TEST_RUN_ID, key: 'k', value: 'v' } }),
      proposed({ type: 'RunNoted', data: { runId: TEST_RUN_ID, note: 'looks good' } }),
      proposed({ type: 'RunArchived', data: { runId: TEST_RUN_ID } }),
      proposed({ type: 'RunDeleted', data: { runId: TEST_RUN_ID, reason: 'leaked data' } }),
    ]);
    expect(await refusal(gated.append(RUNMETA, [proposed({ type: 'RunNoted', data: { runId: TEST_RUN_ID, note: 'again' } })]))).toMatchObject({
      rule: 'RUN_DELETED',
    });
    expect(await refusal(gated.append(RUNMETA, [proposed({ type: 'RunTagged', data: { runId: 'someone-else', key: 'k', value: 'v' } })]))).toMatchObject({
      rule: 'RUN_ID_MISMATCH',
    });
    expect(
      await refusal(gated.append(`run-${TEST_RUN_ID}`, [proposed({ type: 'RunTagged', data: { runId: TEST_RUN_ID, key: 'k', value: 'v' } })])),
    ).toBeInstanceOf(AppendRefusedError);
    const audit = new StreamAudit();
    const violations = [];
    for await (const e of store.readAll()) {
      const v = audit.check(e);
      if (v) violations.push(v);
    }
    expect(violations).toEqual([]);
  });
});

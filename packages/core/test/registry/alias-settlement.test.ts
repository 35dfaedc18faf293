import { describe, expect, it } from 'vitest';
import { modelRegistryDecider, modelsProjection, resolveModelReference, type DomainEvent, type ModelsState } from '../../src/index.js';
import { scenario } from '../../src/testing/index.js';
import { ref } from '../run/run-fixtures.js';

/**
 * D126: a registry change names a version by number and by identity (content + producing run), so an
 * alias, tag or description set on a workstation's provisional number follows the version when the hub
 * settles it under another number — on the workstation (the hub's copy renumbers its view) and on the hub
 * and every other store (which find the version by identity).
 */
const X = ref(7); // the workstation's version: produced by run rx
const identityX = `${X.digest} rx`;
const local1: DomainEvent = {
  type: 'ModelVersionCreated',
  data: { name: 'clf', version: 1, ref: X, producedBy: 'rx', metrics: {}, numbering: { by: 'local' } },
};
/** Versions 1 and 2 the hub numbered first, from another workstation's runs. */
const hub1: DomainEvent = {
  type: 'ModelVersionCreated',
  data: { name: 'clf', version: 1, ref: ref(1), producedBy: 'r1', metrics: {}, numbering: { by: 'hub' } },
};
const hub2: DomainEvent = {
  type: 'ModelVersionCreated',
  data: { name: 'clf', version: 2, ref: ref(2), producedBy: 'r2', metrics: {}, numbering: { by: 'hub' } },
};
/** The hub's copy settling the workstation's version as 3. */
const settles3: DomainEvent = {
  type: 'ModelVersionCreated',
  data: { name: 'clf', version: 3, ref: X, producedBy: 'rx', metrics: {}, numbering: { by: 'hub', settles: 'local-event-id' } },
};
const championOnLocal1: DomainEvent = { type: 'ModelAliasSet', data: { name: 'clf', alias: 'champion', version: 1, versionIdentity: identityX } };
const taggedOnLocal1: DomainEvent = { type: 'ModelVersionTagged', data: { name: 'clf', version: 1, versionIdentity: identityX, key: 'stage', value: 'prod' } };
const describedOnLocal1: DomainEvent = { type: 'ModelDescribed', data: { name: 'clf', version: 1, versionIdentity: identityX, description: 'depth 3' } };

function fold(...events: DomainEvent[]): ModelsState {
  let state = structuredClone(modelsProjection.initial);
  events.forEach((e, i) => {
    const handler = modelsProjection.handlers[e.type] as ((s: ModelsState, ev: unknown) => ModelsState | void) | undefined;
    const envelope = { ...e, id: `e${i}`, stream: 'model-clf', revision: i, position: i, recordedAt: '2026-01-01T00:00:00.000Z', hash: 'h', meta: {} };
    state = handler?.(state, envelope) ?? state;
  });
  return state;
}

/** Champion, the tag and the description are on version 3, the workstation's version as the hub settled it. */
function expectChampionOnSettledX(state: ModelsState): void {
  expect(state.clf!.aliases).toEqual({ champion: 3 });
  expect(resolveModelReference(state, 'clf@champion').version).toMatchObject({ version: 3, producedBy: 'rx', tags: { stage: 'prod' }, description: 'depth 3' });
}

describe('an alias on a provisional number follows its version when the hub settles it (the models projection)', () => {
  it('given champion, a tag and a description set on local version 1, when the hub versions 1 and 2 arrive and its copy settles ours as 3, then all three are on version 3 and version 1 is the hub’s', () => {
    const state = fold(local1, championOnLocal1, taggedOnLocal1, describedOnLocal1, hub1, hub2, settles3);
    expectChampionOnSettledX(state);
    expect(resolveModelReference(state, 'clf@1').version).toMatchObject({ producedBy: 'r1', tags: {}, description: null });
  });

  it('given the hub, when it holds its copy as 3 and then the workstation’s alias, tag and description naming local 1, then they land on 3 (by identity), not on its version 1', () => {
    const state = fold(hub1, hub2, settles3, championOnLocal1, taggedOnLocal1, describedOnLocal1);
    expectChampionOnSettledX(state);
    expect(resolveModelReference(state, 'clf@1').version.tags).toEqual({});
  });

  it('given an alias set (without identity, as recorded before) on the hub’s 1 while local 1 also exists, when local 1 is settled as 3, then that alias stays on the hub’s 1', () => {
    const state = fold(local1, hub1, { type: 'ModelAliasSet', data: { name: 'clf', alias: 'baseline', version: 1 } }, championOnLocal1, hub2, settles3);
    expect(state.clf!.aliases).toEqual({ baseline: 1, champion: 3 });
    expect(resolveModelReference(state, 'clf@baseline').version.producedBy).toBe('r1');
  });
});

describe('an alias on a provisional number follows its version (the registry decider, given/when/then)', () => {
  const registry = scenario(modelRegistryDecider('clf'));
  it('given champion on local 1 and the hub’s copy settling it as 3, when champion is set to 3, then nothing is recorded (it is there already)', () => {
    registry.given(local1, championOnLocal1, hub1, hub2, settles3).when({ kind: 'setAlias', alias: 'champion', version: 3 }).then([]);
  });
  it('given the settled versions, when version 3 is tagged and 1 aliased, then each event names its version by number and identity', () => {
    registry
      .given(local1, hub1, hub2, settles3)
      .when({ kind: 'tagVersion', version: 3, key: 'stage', value: 'prod' })
      .then([{ type: 'ModelVersionTagged', data: { name: 'clf', version: 3, versionIdentity: identityX, key: 'stage', value: 'prod' } }]);
    registry
      .given(local1, hub1, hub2, settles3)
      .when({ kind: 'setAlias', alias: 'baseline', version: 1 })
      .then([{ type: 'ModelAliasSet', data: { name: 'clf', alias: 'baseline', version: 1, versionIdentity: `${ref(1).digest} r1` } }]);
  });
  it('given champion on local 1 and the hub’s 1 arrived, when champion is set to 1, then 1 means the hub’s version (a settled number before a claim)', () => {
    registry
      .given(local1, championOnLocal1, hub1)
      .when({ kind: 'setAlias', alias: 'champion', version: 1 })
      .then([{ type: 'ModelAliasSet', data: { name: 'clf', alias: 'champion', version: 1, versionIdentity: `${ref(1).digest} r1` } }]);
  });
});

import { describe, expect, it } from 'vitest';
import {
  modelRegistryDecider,
  modelsProjection,
  RegistryError,
  resolveModelReference,
  runAnnotationDecider,
  type DomainEvent,
  type ModelsState,
} from '../../src/index.js';
import { scenario } from '../../src/testing/index.js';
import { ref } from '../run/run-fixtures.js';

const created = (version: number): DomainEvent => ({
  type: 'ModelVersionCreated',
  data: { name: 'clf', version, ref: ref(version), producedBy: `r${version}`, metrics: {} },
});
/** The identity a decided registry event carries for `created(version)`: its content and producing run (D126). */
const identity = (version: number): string => `${ref(version).digest} r${version}`;
const aliasSet = (alias: string, version: number): DomainEvent => ({
  type: 'ModelAliasSet',
  data: { name: 'clf', alias, version, versionIdentity: identity(version) },
});
const registry = scenario(modelRegistryDecider('clf'));

describe('the model registry (given/when/then)', () => {
  it('given versions 1 and 2, when champion is set to 1 then moved to 2, then each records ModelAliasSet', () => {
    registry
      .given(created(1), created(2))
      .when({ kind: 'setAlias', alias: 'champion', version: 1 })
      .then([aliasSet('champion', 1)]);
    registry
      .given(created(1), created(2), aliasSet('champion', 1))
      .when({ kind: 'setAlias', alias: 'champion', version: 2 })
      .then([aliasSet('champion', 2)]);
  });
  it('given champion at 2, when it is set to 2 again, then nothing is recorded', () => {
    registry.given(created(1), created(2), aliasSet('champion', 2)).when({ kind: 'setAlias', alias: 'champion', version: 2 }).then([]);
  });
  it('given version 1 only, when an alias or tag names version 3, then it is refused naming the versions', () => {
    registry
      .given(created(1))
      .when({ kind: 'setAlias', alias: 'champion', version: 3 })
      .thenThrows(RegistryError, /no version 3 \(versions: 1\)/);
    registry
      .given(created(1))
      .when({ kind: 'tagVersion', version: 3, key: 'k', value: 'v' })
      .thenThrows(RegistryError, /no version 3/);
  });
  it('given no model, when it is described, then it is refused', () => {
    registry
      .given()
      .when({ kind: 'describe', description: 'x' })
      .thenThrows(RegistryError, /no model "clf"/);
  });
  it('given no alias, when it is removed, then it is refused; given one, it is removed', () => {
    registry
      .given(created(1))
      .when({ kind: 'removeAlias', alias: 'champion' })
      .thenThrows(RegistryError, /no alias "champion"/);
    registry
      .given(created(1), aliasSet('champion', 1))
      .when({ kind: 'removeAlias', alias: 'champion' })
      .then([{ type: 'ModelAliasRemoved', data: { name: 'clf', alias: 'champion' } }]);
  });
});

describe('run annotations (given/when/then)', () => {
  const run = scenario(runAnnotationDecider('r1'));
  it('given an archived run, when archived again, then nothing; when restored, then RunRestored', () => {
    const archived: DomainEvent = { type: 'RunArchived', data: { runId: 'r1' } };
    run.given(archived).when({ kind: 'archive' }).then([]);
    run
      .given(archived)
      .when({ kind: 'restore' })
      .then([{ type: 'RunRestored', data: { runId: 'r1' } }]);
    run.given().when({ kind: 'restore' }).then([]);
  });
  it('given a deleted run, when it is tagged, then it is refused', () => {
    run
      .given({ type: 'RunDeleted', data: { runId: 'r1', reason: 'oops' } })
      .when({ kind: 'tag', key: 'k', value: 'v' })
      .thenThrows(RegistryError, /is deleted/);
  });
});

describe('the models projection and model references', () => {
  function fold(...events: DomainEvent[]): ModelsState {
    let state = structuredClone(modelsProjection.initial);
    events.forEach((e, i) => {
      const handler = modelsProjection.handlers[e.type] as ((s: ModelsState, ev: unknown) => ModelsState | void) | undefined;
      const envelope = {
        ...e,
        id: `e${i}`,
        stream: 'model-clf',
        revision: i,
        position: i,
        recordedAt: `2026-01-0${i + 1}T00:00:00.000Z`,
        hash: 'h',
        meta: { actor: { user: 'ann', host: 'lab' } },
      };
      state = handler?.(state, envelope) ?? state;
    });
    return state;
  }
  it('resolves name, name@version and name@alias, and keeps who moved an alias in the history', () => {
    const state = fold(created(1), created(2), aliasSet('champion', 1), aliasSet('champion', 2), {
      type: 'ModelVersionTagged',
      data: { name: 'clf', version: 1, key: 'stage', value: 'old' },
    });
    expect(resolveModelReference(state, 'clf').version.version).toBe(2);
    expect(resolveModelReference(state, 'clf@1').version.version).toBe(1);
    expect(resolveModelReference(state, 'clf@champion').version.version).toBe(2);
    expect(state.clf!.versions[0]!.tags).toEqual({ stage: 'old' });
    expect(state.clf!.history.filter((h) => h.type === 'ModelAliasSet').map((h) => [h.data.version, h.by])).toEqual([
      [1, 'ann@lab'],
      [2, 'ann@lab'],
    ]);
    expect(() => resolveModelReference(state, 'clf@staging')).toThrow(/no alias "staging"/);
    expect(() => resolveModelReference(state, 'nope@1')).toThrow(/no model "nope"/);
  });
});

import { describe, expect, it } from 'vitest';
import { projectDatasetStream, projectModelStream, type DomainEvent } from '../../src/index.js';
import { ref } from '../run/run-fixtures.js';
import { gatedStore, proposed, refusal } from './gate-fixture.js';

/** A dataset version of `name` in `project` (absent: the default project), numbered `version`. */
const datasetVersion = (version: number, content: number, project?: string, name = 'iris'): DomainEvent => ({
  type: 'DatasetVersionCreated',
  data: { name, version, ref: ref(content), bytes: content, files: 1, ...(project === undefined ? {} : { project }) },
});

describe('the append gate: each project numbers its own versions (docs/decisions.md D122)', () => {
  it('names a project’s streams <category>-<project>:<name>, and the default project’s as before', () => {
    expect(projectDatasetStream(undefined, 'iris')).toBe('dataset-iris');
    expect(projectDatasetStream('default', 'iris')).toBe('dataset-iris');
    expect(projectDatasetStream('exp2', 'iris')).toBe('dataset-exp2:iris');
    expect(projectModelStream('exp2', 'tree')).toBe('model-exp2:tree');
  });

  it('given the default project holds iris v1, when project exp2 records its first iris version, then it is exp2’s v1 on its own stream', async () => {
    const { gated } = gatedStore();
    await gated.append('dataset-iris', [proposed(datasetVersion(1, 1))]);
    await gated.append('dataset-exp2:iris', [proposed(datasetVersion(1, 2, 'exp2'))]);
    await gated.append('dataset-exp2:iris', [proposed(datasetVersion(2, 3, 'exp2'))]);
    expect(await refusal(gated.append('dataset-exp2:iris', [proposed(datasetVersion(4, 4, 'exp2'))]))).toMatchObject({ rule: 'VERSION_NUMBER' });
  });

  it('when a version names a project other than its stream’s, then it is refused naming the stream it belongs on', async () => {
    const { gated } = gatedStore();
    const wrongStream = await refusal(gated.append('dataset-iris', [proposed(datasetVersion(1, 1, 'exp2'))]));
    expect(wrongStream).toMatchObject({ rule: 'VERSION_NAME_MISMATCH' });
    expect(wrongStream.message).toContain('dataset-exp2:iris');
    expect(await refusal(gated.append('dataset-exp2:iris', [proposed(datasetVersion(1, 1))]))).toMatchObject({ rule: 'VERSION_NAME_MISMATCH' });
    expect(await refusal(gated.append('dataset-exp2:iris', [proposed(datasetVersion(1, 1, 'exp3'))]))).toMatchObject({ rule: 'VERSION_NAME_MISMATCH' });
  });

  it('given a default-project dataset named "exp2:iris", when project exp2’s iris comes to the same stream, then it is refused: a stream holds one project’s versions', async () => {
    const { gated } = gatedStore();
    await gated.append('dataset-exp2:iris', [proposed(datasetVersion(1, 1, undefined, 'exp2:iris'))]);
    expect(await refusal(gated.append('dataset-exp2:iris', [proposed(datasetVersion(2, 2, 'exp2'))]))).toMatchObject({ rule: 'VERSION_PROJECT_MISMATCH' });
  });

  it('when a version names the default project explicitly, then the catalogue refuses it: the default project is said by leaving it out', async () => {
    const { gated } = gatedStore();
    expect(await refusal(gated.append('dataset-iris', [proposed(datasetVersion(1, 1, 'default'))]))).toMatchObject({ rule: 'INVALID_EVENT_DATA' });
  });

  it('a registry event names its project’s model: an alias on exp2’s tree goes on model-exp2:tree', async () => {
    const { gated } = gatedStore();
    const modelVersion: DomainEvent = {
      type: 'ModelVersionCreated',
      data: { name: 'tree', version: 1, ref: ref(1), metrics: {}, producedBy: 'r', project: 'exp2' },
    };
    // No producing run: the gate refuses it for that reason only, so the stream's project rule comes first.
    expect(await refusal(gated.append('model-tree', [proposed(modelVersion)]))).toMatchObject({ rule: 'VERSION_NAME_MISMATCH' });
    const alias: DomainEvent = { type: 'ModelAliasSet', data: { name: 'tree', alias: 'champion', version: 1 } };
    expect(await refusal(gated.append('model-exp2:tree', [proposed(alias)]))).toMatchObject({ rule: 'VERSION_NAME_MISMATCH' });
  });
});

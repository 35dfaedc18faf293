import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../src/events/catalogue.js';
import { RunAbandonedError, RunAlreadyPublishedError, RunNotStartedError } from '../../src/run/run-errors.js';
import type { RunCommandInput } from '../../src/run/run-commands.js';
import { given } from '../../src/testing/given-when-then.js';
import { HEAD, T1, published, started } from './run-fixtures.js';

const abandon: RunCommandInput = { kind: 'abandon', reason: 'process 4242 that held the run no longer exists', at: T1, pid: 4242 };
const abandoned: DomainEvent = { type: 'RunAbandoned', data: { reason: 'process 4242 that held the run no longer exists', at: T1, pid: 4242 } };

describe('run lifecycle: abandoned', () => {
  it('given a running run, when it is found abandoned, then RunAbandoned is recorded with the reason', () => {
    given(started).when(abandon).then([abandoned]);
  });

  it('given an abandoned run, when anything more is recorded (a metric, a publish, a second abandon), then it is refused', () => {
    for (const command of [
      { kind: 'recordSummary', name: 'accuracy', value: 0.9 },
      { kind: 'publish', endedAt: T1, headHash: HEAD },
      abandon,
    ] as RunCommandInput[]) {
      const error = given(started, abandoned)
        .when(command)
        .thenThrows(RunAbandonedError, /was marked abandoned/);
      expect(error.code).toBe('RUN_ABANDONED');
    }
  });

  it('given a published run, when it is found abandoned, then it is refused (only an unsealed run is abandoned)', () => {
    given(started, published)
      .when(abandon)
      .thenThrows(RunAlreadyPublishedError, /after the run was published/);
  });

  it('given no run, when it is abandoned, then it is refused', () => {
    given()
      .when(abandon)
      .thenThrows(RunNotStartedError, /before the run is started/);
  });
});

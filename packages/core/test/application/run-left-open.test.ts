import { describe, expect, it } from 'vitest';
import { recordRunLeftOpen } from '../../src/index.js';
import { runLeftOpenCommands, type RunLeftOpen } from '../../src/application/run-left-open.js';
import { given, TEST_RUN_ID } from '../../src/testing/given-when-then.js';
import { T0, published, started } from '../run/run-fixtures.js';
import { testServices, types } from './run-services-fixture.js';

const left: RunLeftOpen = {
  runId: TEST_RUN_ID,
  mode: 'script',
  workload: { script: 'train.ts', workloadId: 'w1' },
  environment: { runtime: 'node 20', os: 'linux', host: 'box', user: 'ada' },
  startedAt: T0,
  exitCode: 3,
};
const errored = { type: 'RunErrored', data: { message: 'boom' } } as const;

describe('a run left open by a process that is gone', () => {
  it('given its start was recorded, when it is settled, then only RunErrored is decided, naming the exit code', () => {
    const state = given(started).state;
    const commands = runLeftOpenCommands(state, left, 'default');
    expect(commands).toEqual([
      {
        kind: 'error',
        message: 'the process exited with code 3 before the run was published',
        detail: expect.objectContaining({ exitCode: 3, startRecordedBeforeExit: true }),
      },
    ]);
    // The decision is one the run's rules accept: it errors the running run.
    const { kind: _kind, ...data } = commands[0] as { kind: 'error'; message: string; detail: never };
    given(started)
      .when(commands[0]!)
      .then([{ type: 'RunErrored', data }]);
  });

  it('given nothing was recorded, when it is settled, then its start is recorded with its code version as not recorded (not as unversioned) and then RunErrored', () => {
    const commands = runLeftOpenCommands(given().state, { ...left, exitCode: undefined }, 'proj');
    expect(commands).toEqual([
      {
        kind: 'start',
        projectId: 'proj',
        mode: 'script',
        workload: left.workload,
        codeVersion: { notRecorded: 'the process ended before it was inspected' },
        environment: left.environment,
        startedAt: T0,
      },
      expect.objectContaining({
        kind: 'error',
        message: expect.stringMatching(/^the process ended \(killed, or crashed .*\) before the run was published$/),
        detail: expect.objectContaining({ startRecordedBeforeExit: false }),
      }),
    ]);
  });

  it('given its start was recorded and the process was killed (no exit code), when it is settled, then RunErrored and RunAbandoned are decided, naming the gone process', () => {
    const commands = runLeftOpenCommands(given(started).state, { ...left, exitCode: undefined }, 'default', { at: T0, pid: 4242 });
    expect(commands.map((c) => c.kind)).toEqual(['error', 'abandon']);
    expect(commands[1]).toEqual({ kind: 'abandon', reason: 'its process (pid 4242) is gone and never published the run', at: T0, pid: 4242 });
    const { kind: _kind, ...data } = commands[1] as { kind: 'abandon'; reason: string; at: string; pid: number };
    given(started, { type: 'RunErrored', data: { message: 'gone' } })
      .when(commands[1]!)
      .then([{ type: 'RunAbandoned', data }]);
  });

  it('given the process exited with a code, when it is settled, then it is errored, not abandoned (it said how it ended)', () => {
    expect(runLeftOpenCommands(given(started).state, left, 'default', { at: T0, pid: 4242 }).map((c) => c.kind)).toEqual(['error']);
  });

  it('given the run was published or errored by its process, when it is settled, then nothing is decided', () => {
    expect(runLeftOpenCommands(given(started, published).state, left, 'default')).toEqual([]);
    expect(runLeftOpenCommands(given(started, errored).state, left, 'default')).toEqual([]);
  });

  it('recordRunLeftOpen appends the decided events to the run stream in one append, and nothing on a second call', async () => {
    const services = testServices();
    await recordRunLeftOpen(services, left, 'default');
    const events = await services.events.streamEvents(`run-${TEST_RUN_ID}`);
    expect(types(events)).toEqual(['RunStarted', 'RunErrored']);
    expect(events[0]!.data).toMatchObject({
      runId: TEST_RUN_ID,
      codeVersion: { notRecorded: 'the process ended before it was inspected' },
      startedAt: T0,
      workload: { workloadId: 'w1' },
    });
    expect(services.events.appends).toHaveLength(1);
    expect(await recordRunLeftOpen(services, left, 'default')).toEqual([]);
    expect(services.events.appends).toHaveLength(1);
  });
});

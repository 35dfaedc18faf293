import { describe, expect, it } from 'vitest';
import { chainEvents } from '../../src/events/hash-chain.js';
import { appendResult, retryCandidateIn } from '../../src/store/append-rules.js';
import { checkExpected, checkIdsUnrecorded, idempotentRetry, parseAppend } from '../../src/store-kit.js';
import {
  DuplicateEventIdError,
  GENESIS_HASH,
  InvalidInputError,
  WrongExpectedRevisionError,
  type ExpectedRevision,
  type NewEvent,
  type RecordedEvent,
} from '../../src/index.js';

const event = (n: number): NewEvent => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'MetricRecorded',
  schemaVersion: 1,
  data: { name: 'loss', value: n },
  meta: { actor: { user: 'u', host: 'h' } },
});

/** The error `run` throws, asserted to be an `errorClass`. */
function thrownBy<E extends Error>(run: () => unknown, errorClass: new (...args: never[]) => E): E {
  let error: unknown;
  try {
    run();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(errorClass);
  return error as E;
}

describe('parseAppend', () => {
  it('given valid events, when parsed, then each comes back as an equal copy and the expected revision defaults to any', () => {
    const events = [event(0), event(1)];
    const parsed = parseAppend('run-x', events);
    expect(parsed).toEqual({ events, expected: 'any' });
    expect(parsed.events[1]!.data).not.toBe(events[1]!.data);
  });

  it('given a batch whose third event has no id, when parsed, then InvalidInputError names that event, its stream and the field', () => {
    const bad = { ...event(2), id: undefined } as unknown as NewEvent;
    let error: unknown;
    try {
      parseAppend('run-x', [event(0), event(1), bad]);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(/event 2 appended to run-x.*id/);
  });
});

describe('checkExpected', () => {
  const verdicts = (expected: ExpectedRevision): boolean[] =>
    [-1, 0, 1, 7].map((actual) => {
      try {
        checkExpected('run-x', actual, expected);
        return true;
      } catch (err) {
        expect(err).toBeInstanceOf(WrongExpectedRevisionError);
        expect(err).toMatchObject({ stream: 'run-x', expected, actual });
        return false;
      }
    });

  it('given a stream at revision -1, 0, 1 or 7, when an append expects each kind of revision, then exactly the matching ones pass and the rest are revision conflicts', () => {
    expect(verdicts('any')).toEqual([true, true, true, true]);
    expect(verdicts('no_stream')).toEqual([true, false, false, false]);
    expect(verdicts('stream_exists')).toEqual([false, true, true, true]);
    expect(verdicts(-1)).toEqual([true, false, false, false]);
    expect(verdicts(1)).toEqual([false, false, true, false]);
    expect(verdicts(7)).toEqual([false, false, false, true]);
  });
});

describe('idempotentRetry', () => {
  /** A stream of `count` recorded events (revisions 0..count-1). */
  const stream = (count: number): RecordedEvent[] =>
    chainEvents(
      'run-x',
      -1,
      GENESIS_HASH,
      Array.from({ length: count }, (_, i) => event(i)),
    ).map((e, i) => ({ ...e, position: 10 + i, recordedAt: '2026-01-01T00:00:00.000Z' }));
  const conflict = (run: () => unknown): WrongExpectedRevisionError => thrownBy(run, WrongExpectedRevisionError);

  it('given no candidate (the first id is not in the stream), when an append is checked, then it is not a retry', () => {
    expect(idempotentRetry('run-x', undefined, [event(5)], 'any')).toBeUndefined();
  });

  it('given events 2 and 3 recorded after revision 1, when the same append is retried expecting revision 1, then the original result comes back', () => {
    const recorded = stream(5);
    const candidate = { headRevision: 4, startRevision: 2, recorded: recorded.slice(2, 4) };
    expect(idempotentRetry('run-x', candidate, [event(2), event(3)], 1)).toEqual(appendResult(recorded.slice(2, 4)));
    expect(idempotentRetry('run-x', candidate, [event(2), event(3)], 'stream_exists')).toEqual(appendResult(recorded.slice(2, 4)));
  });

  it('given a candidate only the first id of which matches, when checked, then it is a conflict reporting the stream head', () => {
    const recorded = stream(5);
    const e = conflict(() => idempotentRetry('run-x', { headRevision: 4, startRevision: 2, recorded: recorded.slice(2, 4) }, [event(2), event(9)], 'any'));
    expect({ expected: e.expected, actual: e.actual }).toEqual({ expected: 'any', actual: 4 });
  });

  it('given a retry longer than what the stream holds from its first id, when checked, then it is a conflict', () => {
    const recorded = stream(3);
    conflict(() => idempotentRetry('run-x', { headRevision: 2, startRevision: 2, recorded: recorded.slice(2) }, [event(2), event(3)], 'any'));
  });

  it('given the same events, when the retry expects another revision than they were written at, then it is a conflict', () => {
    const recorded = stream(5);
    const candidate = { headRevision: 4, startRevision: 2, recorded: recorded.slice(2, 4) };
    conflict(() => idempotentRetry('run-x', candidate, [event(2), event(3)], 'no_stream'));
    conflict(() => idempotentRetry('run-x', candidate, [event(2), event(3)], 0));
  });
});

describe('retryCandidateIn', () => {
  it('given a whole stream, when the first new id is at revision 1, then the candidate starts there with as many events as the append, within the stream', () => {
    const recorded = chainEvents('run-x', -1, GENESIS_HASH, [event(0), event(1), event(2)]).map((e, i) => ({ ...e, position: i, recordedAt: 't' }));
    expect(retryCandidateIn(recorded, [event(1), event(7), event(8)])).toEqual({ headRevision: 2, startRevision: 1, recorded: recorded.slice(1) });
    expect(retryCandidateIn(recorded, [event(7)])).toBeUndefined();
    expect(retryCandidateIn(recorded, [])).toBeUndefined();
  });
});

describe('checkIdsUnrecorded', () => {
  const refusal = (run: () => void): DuplicateEventIdError => thrownBy(run, DuplicateEventIdError);

  it('given ids the store does not hold, when checked, then nothing is refused and every id is asked about once', () => {
    const asked: string[] = [];
    checkIdsUnrecorded('run-x', [event(0), event(1), event(2)], (id) => {
      asked.push(id);
      return undefined;
    });
    expect(asked).toEqual([event(0).id, event(1).id, event(2).id]);
  });

  it('given an id the store holds, when a later event of the batch carries it, then the error names the id, event, stream and where it is recorded', () => {
    const e = refusal(() => checkIdsUnrecorded('run-x', [event(0), event(1)], (id) => (id === event(1).id ? { stream: 'run-y', revision: 7 } : undefined)));
    expect({ id: e.id, stream: e.stream, index: e.index, existing: e.existing, code: e.code }).toEqual({
      id: event(1).id,
      stream: 'run-x',
      index: 1,
      existing: { stream: 'run-y', revision: 7 },
      code: 'DUPLICATE_EVENT_ID',
    });
    expect(e.message).toMatch(
      /event 1 appended to stream run-x has id .*-000000000001, which is already recorded in stream run-y at revision 7 — nothing was written/,
    );
  });

  it('given a batch repeating a new id, when checked, then the second occurrence is refused naming the first', () => {
    const e = refusal(() => checkIdsUnrecorded('run-x', [event(0), event(1), event(2), event(1)], () => undefined));
    expect({ index: e.index, existing: e.existing }).toEqual({ index: 3, existing: { appendIndex: 1 } });
    expect(e.message).toMatch(/as does event 1 of the same append/);
  });
});

describe('parseAppend of the stream and expected revision (every append makes this check)', () => {
  it.each([
    ['run-x', undefined, 'any'],
    ['run-x', -1, -1],
    ['run-x', 0, 0],
    ['run-x', 41, 41],
    ['run-x', 'no_stream', 'no_stream'],
    ['run-x', 'stream_exists', 'stream_exists'],
    ['run-x', 'any', 'any'],
  ] as const)('given stream %j and expected revision %j, when parsed, then it is %j', (stream, expectedRevision, expected) => {
    expect(parseAppend(stream, [], expectedRevision === undefined ? {} : { expectedRevision }).expected).toBe(expected);
  });

  it.each([
    ['', 0, /stream/],
    [42, 0, /stream/],
    ['run-x', -2, /expectedRevision/],
    ['run-x', 1.5, /expectedRevision/],
    ['run-x', Number.NaN, /expectedRevision/],
    ['run-x', Number.POSITIVE_INFINITY, /expectedRevision/],
    ['run-x', 2 ** 53, /expectedRevision/],
    ['run-x', 'latest', /expectedRevision/],
    ['run-x', null, /expectedRevision/],
    ['run-x', '3', /expectedRevision/],
  ])('given stream %j and expected revision %j, when parsed, then InvalidInputError names the field', (stream, expectedRevision, field) => {
    const parse = () => parseAppend(stream as string, [], { expectedRevision: expectedRevision as ExpectedRevision });
    expect(parse).toThrow(InvalidInputError);
    expect(parse).toThrow(field);
  });
});

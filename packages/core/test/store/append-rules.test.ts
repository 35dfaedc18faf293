import { describe, expect, it } from 'vitest';
import { checkExpected, checkIdsUnrecorded, meetsExpected, parseAppend, parseAppendedEvents } from '../../src/store-kit.js';
import { DuplicateEventIdError, InvalidInputError, WrongExpectedRevisionError, type ExpectedRevision, type NewEvent } from '../../src/index.js';

const event = (n: number): NewEvent => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'MetricRecorded',
  schemaVersion: 1,
  data: { name: 'loss', value: n },
  meta: { actor: { user: 'u', host: 'h' } },
});

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

describe('parseAppendedEvents (an append parsed in parts)', () => {
  it('given the part of an append from its event 5, when an event of it is invalid, then the error names it by its place in the whole append, as parseAppend does', () => {
    const events = Array.from({ length: 8 }, (_, i) => event(i));
    events[6] = { ...events[6]!, schemaVersion: 0 };
    const whole = (() => {
      try {
        parseAppend('run-x', events);
      } catch (err) {
        return err as InvalidInputError;
      }
      throw new Error('accepted');
    })();
    expect(() => parseAppendedEvents('run-x', events.slice(5), 5)).toThrow(whole.message);
    expect(whole.message).toContain('event 6 appended to run-x');
    expect(parseAppendedEvents('run-x', events.slice(0, 5), 0)).toEqual(events.slice(0, 5));
  });
});

describe('meetsExpected', () => {
  it('given every expectation and stream revision, then its verdict is checkExpected\'s (true exactly when checkExpected does not throw)', () => {
    const expectations: ExpectedRevision[] = ['any', 'no_stream', 'stream_exists', -1, 0, 1, 7];
    for (const expected of expectations) {
      for (const actual of [-1, 0, 1, 7]) {
        let thrown: unknown;
        try {
          checkExpected('run-x', actual, expected);
        } catch (err) {
          thrown = err;
        }
        expect(meetsExpected(actual, expected)).toBe(thrown === undefined);
        if (thrown !== undefined) expect(thrown).toBeInstanceOf(WrongExpectedRevisionError);
      }
    }
    expect(meetsExpected(-1, 'no_stream')).toBe(true);
    expect(meetsExpected(0, 'no_stream')).toBe(false);
    expect(meetsExpected(3, 'stream_exists')).toBe(true);
    expect(meetsExpected(3, 2)).toBe(false);
  });
});

describe('checkIdsUnrecorded', () => {
  const refusal = (run: () => void): DuplicateEventIdError => {
    let error: unknown;
    try {
      run();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DuplicateEventIdError);
    return error as DuplicateEventIdError;
  };

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
    expect(e.message).toMatch(/event 1 appended to stream run-x has id .*-000000000001, which is already recorded in stream run-y at revision 7 — nothing was written/);
  });

  it('given a batch repeating a new id, when checked, then the second occurrence is refused naming the first', () => {
    const e = refusal(() => checkIdsUnrecorded('run-x', [event(0), event(1), event(2), event(1)], () => undefined));
    expect({ index: e.index, existing: e.existing }).toEqual({ index: 3, existing: { appendIndex: 1 } });
    expect(e.message).toMatch(/as does event 1 of the same append/);
  });
});

import { describe, expect, it } from 'vitest';
import { InvalidInputError, parseAppend, type NewEvent } from '../../src/index.js';

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

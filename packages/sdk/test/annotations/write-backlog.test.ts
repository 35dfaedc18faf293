import { DotscienceError } from '@dotscience/core';
import { describe, expect, it } from 'vitest';
import { WriteBacklog } from '../../src/annotations/write-backlog.js';

class Unreachable extends DotscienceError {
  readonly code = 'KURRENTDB_UNREACHABLE';
}

describe('the write backlog', () => {
  it('given a store that cannot be reached, when eleven writes fail alike, then it is said once and publish still gets all eleven', async () => {
    const lines: string[] = [];
    const backlog = new WriteBacklog((line) => lines.push(line));
    for (let i = 0; i < 11; i++) backlog.add(`metric m${i}`, () => Promise.reject(new Unreachable('cannot reach KurrentDB at kurrentdb://h:2113')));
    backlog.add('parameter p', () => Promise.reject(new Error('disk on fire')));
    await backlog.settled();
    expect(lines).toEqual([
      'dotscience: could not record metric m0: cannot reach KurrentDB at kurrentdb://h:2113 [KURRENTDB_UNREACHABLE] (later writes failing alike are not said again; publish() reports them)',
      'dotscience: could not record parameter p: disk on fire (publish() will report it)',
    ]);
    expect(backlog.takeFailures()).toHaveLength(12);
  });
});

import { expect, it } from 'vitest';
import { verifyChain } from '../../events/hash-chain.js';
import type { AppendResult, ExpectedRevision } from '../../ports/event-store.js';
import type { ContractSubject } from './contract-subject.js';
import { expectConflictError } from './revision-conflict.js';
import { collect, idsOf, newEvent } from './sample-events.js';

const WRITERS = 10;
const ROUNDS = 5;

export function concurrentWritersContract(subject: ContractSubject): void {
  it(`lets exactly one of ${WRITERS} concurrent writers with the same expected revision win, round after round`, async () => {
    const { store } = subject;
    const stream = 'run-contended';
    const winners: string[] = [];
    let expected: ExpectedRevision = 'no_stream';
    for (let round = 0; round < ROUNDS; round++) {
      const claims = Array.from({ length: WRITERS }, (_, writer) => newEvent('Claim', { round, writer }));
      const outcomes = await Promise.allSettled(claims.map((claim) => store.append(stream, [claim], { expectedRevision: expected })));

      const won = outcomes.filter((o): o is PromiseFulfilledResult<AppendResult> => o.status === 'fulfilled');
      const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(won, `round ${round}`).toHaveLength(1);
      expect(lost, `round ${round}`).toHaveLength(WRITERS - 1);
      const [winner] = won[0]!.value.events;
      expect(winner!.revision).toBe(round);
      for (const loser of lost) expectConflictError(loser.reason, { stream, expected, actual: round });
      winners.push(winner!.id);
      expected = round;
    }
    const recorded = await collect(store.readStream(stream));
    expect(idsOf(recorded)).toEqual(winners);
    expect(recorded.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
    expect(verifyChain(await collect(store.readAll()))).toEqual({ ok: true, streams: 1, events: ROUNDS });
  });

  it(`gives ${WRITERS} concurrent writers with 'any' one revision each and keeps the chain whole`, async () => {
    const { store } = subject;
    const events = Array.from({ length: WRITERS }, (_, writer) => newEvent('Claim', { writer }));
    const results = await Promise.all(events.map((e) => store.append('run-any-writers', [e], { expectedRevision: 'any' })));

    expect(results.map((r) => r.events[0]!.revision).sort((a, b) => a - b)).toEqual(Array.from({ length: WRITERS }, (_, i) => i));
    const recorded = await collect(store.readStream('run-any-writers'));
    expect(new Set(idsOf(recorded))).toEqual(new Set(idsOf(events)));
    for (const r of results) expect(recorded[r.events[0]!.revision]).toEqual(r.events[0]);
    expect(verifyChain(recorded)).toEqual({ ok: true, streams: 1, events: WRITERS });
  });
}

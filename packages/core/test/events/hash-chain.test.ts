import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/events/canonical-json.js';
import { chainEvents } from '../../src/store-kit.js';
import { eventHash, GENESIS_HASH, hashedBody, verifyChain, type RecordedEvent } from '../../src/index.js';
import { newEvent, recordHistory, sampleHistory } from './chain-fixture.js';

const clone = (events: RecordedEvent[]): RecordedEvent[] => structuredClone(events);

describe('the per-stream hash chain', () => {
  it('given an untouched history, verification passes and counts streams and events', () => {
    expect(verifyChain(sampleHistory())).toEqual({ ok: true, streams: 2, events: 6 });
  });

  it('starts every stream at the genesis hash and links each event to the one before', () => {
    const history = sampleHistory();
    const runA = history.filter((e) => e.stream === 'run-a');
    expect(runA[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < runA.length; i++) expect(runA[i]!.prevHash).toBe(runA[i - 1]!.hash);
  });

  it('computes the hash stores have always recorded (a known answer: the canonical form and the chain must never change)', () => {
    const data = { name: 'ünïcode-ключ', value: { nested: [1, 'two', { '3': true, b: null, a: [] }] } };
    const meta = { sdkVersion: '0.1.0', correlationId: 'run-1', causationId: 'cmd-7', actor: { user: 'ada', host: 'lab-1' } };
    const e = { id: '0190a000-0000-7000-8000-000000000006', type: 'SummaryRecorded', schemaVersion: 1, stream: 'run-a', revision: 4, data, meta };
    expect(eventHash('9207d9c85e61e4d1edcc68720e24d28bf550018b6a1b4d76a7d4e7e28b002508', e)).toBe(
      'cbfe3bfbbd899c581cbe30ad5f7fc908bd47f754b195d18f48ffa26d83c4ea1b',
    );
  });

  it('hashes the canonical JSON of exactly the seven hashed fields, written field by field (as stores build it)', () => {
    const fields = fc.record({
      id: fc.string(),
      type: fc.string(),
      schemaVersion: fc.integer(),
      stream: fc.string(),
      revision: fc.nat(),
      data: fc.jsonValue(),
      meta: fc.jsonValue(),
    });
    fc.assert(
      fc.property(fields, fc.jsonValue(), (e, extra) => {
        expect(hashedBody({ ...e, position: 3, extra } as never)).toBe(canonicalJson(e));
      }),
      { numRuns: 1000 },
    );
  });

  it('does not depend on position or recordedAt, so a migrated event keeps its hash', () => {
    const [e] = sampleHistory();
    expect(eventHash(e!.prevHash, { ...e!, position: 999, recordedAt: '2030-01-01T00:00:00.000Z' } as RecordedEvent)).toBe(e!.hash);
  });

  it('when a byte of any event data changes, names that stream and revision', () => {
    const history = sampleHistory();
    for (let i = 0; i < history.length; i++) {
      const tampered = clone(history);
      const text = JSON.stringify(tampered[i]!.data);
      const flipped = text.replace(/\d/, (d) => String((Number(d) + 1) % 10)).replace(/"(\w)/, (_m, c: string) => `"${c === 'x' ? 'y' : 'x'}`);
      tampered[i]!.data = JSON.parse(flipped);
      const verdict = verifyChain(tampered);
      expect(verdict.ok).toBe(false);
      if (!verdict.ok) {
        expect(verdict.break).toMatchObject({ stream: history[i]!.stream, revision: history[i]!.revision, reason: 'hash-mismatch' });
        expect(verdict.break.message).toContain(history[i]!.stream);
      }
    }
  });

  it('when meta or the type is altered, the event fails its hash', () => {
    const meta = clone(sampleHistory());
    meta[2]!.meta = { actor: { user: 'mallory', host: 'lab' } };
    expect(verifyChain(meta)).toMatchObject({ ok: false, break: { stream: 'run-a', revision: 1, reason: 'hash-mismatch' } });
    const type = clone(sampleHistory());
    type[1]!.type = 'SummaryRecorded';
    expect(verifyChain(type)).toMatchObject({ ok: false, break: { stream: 'run-b', revision: 0, reason: 'hash-mismatch' } });
  });

  it('when an event is removed, names the first event after the hole', () => {
    const history = sampleHistory();
    const removed = history.filter((_, i) => i !== 2); // run-a revision 1
    expect(verifyChain(removed)).toMatchObject({ ok: false, break: { stream: 'run-a', revision: 2, reason: 'revision-gap' } });
  });

  it('when an event is removed and the later ones renumbered, the broken link is found', () => {
    const history = clone(sampleHistory()).filter((_, i) => i !== 2);
    for (const e of history) if (e.stream === 'run-a' && e.revision > 1) e.revision -= 1;
    expect(verifyChain(history)).toMatchObject({ ok: false, break: { stream: 'run-a', revision: 1, reason: 'prev-hash-mismatch' } });
  });

  it('when two events of one stream are swapped, the swap is found', () => {
    const history = sampleHistory();
    const swapped = [...history];
    [swapped[3], swapped[5]] = [swapped[5]!, swapped[3]!];
    expect(verifyChain(swapped)).toMatchObject({ ok: false, break: { stream: 'run-a', revision: 3, reason: 'revision-gap' } });
    const renumbered = clone(swapped);
    renumbered[3]!.revision = 2;
    renumbered[5]!.revision = 3;
    expect(verifyChain(renumbered)).toMatchObject({ ok: false, break: { stream: 'run-a', revision: 2, reason: 'prev-hash-mismatch' } });
  });

  it('when a forged event with a recomputed hash is inserted in the middle, the next event no longer links', () => {
    const history = sampleHistory();
    const runA = history.filter((e) => e.stream === 'run-a');
    const after = runA[1]!; // forge a new revision 2 after it, keep the real tail
    const [forged] = chainEvents('run-a', after.revision, after.hash, [newEvent('ParameterRecorded', { name: 'lr', value: 0.5 })]);
    const forgedRecorded: RecordedEvent = { ...forged!, position: 100, recordedAt: after.recordedAt };
    const withForgery = [...history.slice(0, 3), forgedRecorded, ...history.slice(3)];
    const verdict = verifyChain(withForgery);
    expect(verdict).toMatchObject({ ok: false, break: { stream: 'run-a', revision: 2, reason: 'duplicate-revision' } });
    // The forger renumbers the tail too: the first real event after the forgery has the wrong prevHash.
    const renumbered = clone(withForgery);
    for (const e of renumbered.slice(4)) if (e.stream === 'run-a') e.revision += 1;
    expect(verifyChain(renumbered)).toMatchObject({ ok: false, break: { stream: 'run-a', revision: 3, reason: 'prev-hash-mismatch' } });
  });

  it("when a published run's events are rewritten and rehashed, the seal no longer matches", () => {
    const history = recordHistory([
      ['run-s', newEvent('ParameterRecorded', { name: 'depth', value: 3 })],
      ['run-s', newEvent('MetricRecorded', { name: 'acc', value: 0.9, at: '2026-11-24T10:00:00.000Z' })],
    ]);
    const sealed = recordHistory([
      ['run-s', history[0]!],
      ['run-s', history[1]!],
      ['run-s', newEvent('RunPublished', { endedAt: '2026-11-24T10:01:00.000Z', headHash: history[1]!.hash })],
    ]);
    expect(verifyChain(sealed).ok).toBe(true);
    // Rewrite the metric and recompute every hash from there on: links verify, but the seal names the old head.
    const forgedMetric = newEvent('MetricRecorded', { name: 'acc', value: 0.99, at: '2026-11-24T10:00:00.000Z' });
    const rewritten = recordHistory([
      ['run-s', sealed[0]!],
      ['run-s', { ...forgedMetric, id: sealed[1]!.id }],
      ['run-s', sealed[2]!],
    ]);
    expect(verifyChain(rewritten)).toMatchObject({ ok: false, break: { stream: 'run-s', revision: 2, reason: 'seal-mismatch' } });
  });
});

import { randomUUID } from 'node:crypto';
import { GENESIS_HASH, InvalidInputError, verifyChain, type NewEvent, type RecordedEvent } from '@dotscience/core';
import { chainEvents } from '@dotscience/core/store-kit';
import { NO_STREAM, WrongExpectedVersionError, ErrorType, type RecordedEvent as ServerRecordedEvent } from '@kurrent/kurrentdb-client';
import { describe, expect, it } from 'vitest';
import {
  AppendTooLargeError,
  appendFailureOf,
  conflictingRevisionOf,
  corePositionOf,
  currentRevisionOf,
  eventDataOf,
  ForeignEventError,
  isStreamNotFound,
  readRevisionFor,
  recordedEventOf,
  revisionOf,
  serverPositionOf,
  StreamNames,
  streamStateFor,
} from '../src/index.js';
import { StreamLedger } from '../src/stream-ledger.js';

const newEvent = (data: NewEvent['data'], meta: NewEvent['meta'] = {}): NewEvent => ({
  id: randomUUID(),
  type: 'MetricRecorded',
  schemaVersion: 2,
  data,
  meta,
});

/** What the client hands back for an event it wrote: JSON data and metadata parsed again, server fields added. */
function asServerReturns(serverStream: string, sealed: ReturnType<typeof chainEvents>[number], position: bigint, created: Date): ServerRecordedEvent {
  const written = eventDataOf(sealed);
  return {
    streamId: serverStream,
    id: written.id,
    isJson: true,
    revision: BigInt(sealed.revision),
    type: written.type,
    created,
    data: JSON.parse(JSON.stringify(written.data)),
    metadata: JSON.parse(JSON.stringify(written.metadata)),
    position: { commit: position, prepare: position },
  } as ServerRecordedEvent;
}

describe('revisions ↔ streamState', () => {
  it('appends onto an empty stream with no_stream and onto revision n with the bigint n', () => {
    expect(streamStateFor(-1)).toBe(NO_STREAM);
    expect(streamStateFor(0)).toBe(0n);
    expect(streamStateFor(41)).toBe(41n);
  });

  it('refuses a head that is not a revision', () => {
    for (const bad of [-2, 1.5, Number.NaN]) expect(() => streamStateFor(bad), String(bad)).toThrow(RangeError);
  });

  it("reads the server's revisions and current state as the core's numbers (-1 for no_stream)", () => {
    expect(revisionOf(0n)).toBe(0);
    expect(revisionOf(123n)).toBe(123);
    expect(() => revisionOf(2n ** 53n)).toThrow(RangeError);
    expect(currentRevisionOf(NO_STREAM)).toBe(-1);
    expect(currentRevisionOf(7n)).toBe(7);
    expect(readRevisionFor(3)).toBe(3n);
    expect(() => readRevisionFor(-1)).toThrow(RangeError);
  });
});

describe('positions', () => {
  it("maps an event's commit position (= its prepare position) to the core's position and back", () => {
    expect(corePositionOf({ commit: 0n, prepare: 0n })).toBe(0);
    expect(corePositionOf({ commit: 123_456_789n, prepare: 123_456_789n })).toBe(123_456_789);
    expect(serverPositionOf(123_456_789)).toEqual({ commit: 123_456_789n, prepare: 123_456_789n });
    expect(corePositionOf(serverPositionOf(987))).toBe(987);
  });

  it('refuses events of explicit transactions and positions beyond 2^53', () => {
    expect(() => corePositionOf({ commit: 200n, prepare: 100n })).toThrow(/explicit transaction/);
    expect(() => corePositionOf({ commit: 2n ** 53n, prepare: 2n ** 53n })).toThrow(RangeError);
    expect(() => serverPositionOf(-1)).toThrow(RangeError);
    expect(() => serverPositionOf(0.5)).toThrow(RangeError);
  });
});

describe('envelope ↔ KurrentDB event', () => {
  const meta: NewEvent['meta'] = { correlationId: 'corr-1', causationId: 'cause-1', actor: { user: 'ada', host: 'lab' }, sdkVersion: '0.1.0' };

  it('writes our id, type and JSON data, and the rest of the envelope as string-valued metadata', () => {
    const [sealed] = chainEvents('run-r1', -1, GENESIS_HASH, [newEvent({ name: 'loss', value: 0.5 }, meta)]);
    const data = eventDataOf(sealed!);
    expect(data).toMatchObject({ id: sealed!.id, type: 'MetricRecorded', contentType: 'application/json', data: { name: 'loss', value: 0.5 } });
    expect(data.metadata).toEqual({
      dotscience: '1',
      schemaVersion: '2',
      meta: '{"actor":{"host":"lab","user":"ada"},"causationId":"cause-1","correlationId":"corr-1","sdkVersion":"0.1.0"}',
      prevHash: GENESIS_HASH,
      hash: sealed!.hash,
      $correlationId: 'corr-1',
      $causationId: 'cause-1',
    });
    for (const value of Object.values(data.metadata as object)) expect(typeof value).toBe('string');
  });

  it('reads back every envelope field, so the hash chain verifies after the round trip', () => {
    const proposed = [
      newEvent({ nested: { list: [1, 2.5, -3, 'x', true, null, { deep: 'é' }] }, empty: '' }, meta),
      newEvent('a string payload'),
      newEvent(null),
      newEvent(1e-9, { correlationId: 'c' }),
    ];
    const sealed = chainEvents('dataset-images/train:ünï', -1, GENESIS_HASH, proposed);
    const created = new Date('2025-01-02T03:04:05.678Z');
    const recorded = sealed.map((e, i) =>
      recordedEventOf('dataset-images/train:ünï', asServerReturns('ns_dataset-images/train:ünï', e, BigInt(1000 + i * 200), created)),
    );

    expect(recorded.map((e) => ({ id: e.id, type: e.type, schemaVersion: e.schemaVersion, data: e.data, meta: e.meta }))).toEqual(proposed);
    expect(recorded.map((e) => [e.stream, e.revision, e.position, e.recordedAt])).toEqual(
      [0, 1, 2, 3].map((r) => ['dataset-images/train:ünï', r, 1000 + r * 200, '2025-01-02T03:04:05.678Z']),
    );
    expect(verifyChain(recorded)).toEqual({ ok: true, streams: 1, events: 4 });
  });

  it('refuses an event some other writer put into a dotscience stream, naming stream and revision', () => {
    const [sealed] = chainEvents('run-r1', -1, GENESIS_HASH, [newEvent({ n: 1 })]);
    const good = asServerReturns('run-r1', sealed!, 10n, new Date());
    const variants: Array<[string, Partial<ServerRecordedEvent>]> = [
      ['no metadata', { metadata: undefined }],
      ['foreign metadata', { metadata: { $correlationId: 'x' } }],
      ['binary data', { isJson: false } as Partial<ServerRecordedEvent>],
      ['a bad hash', { metadata: { ...(good.metadata as object), hash: 'not-hex' } }],
      ['bad meta text', { metadata: { ...(good.metadata as object), meta: '{' } }],
      ['a bad schema version', { metadata: { ...(good.metadata as object), schemaVersion: '0' } }],
    ];
    for (const [what, change] of variants) {
      const error = (() => {
        try {
          recordedEventOf('run-r1', { ...good, ...change } as ServerRecordedEvent);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error, what).toBeInstanceOf(ForeignEventError);
      expect((error as Error).message, what).toContain('run-r1 revision 0');
    }
  });
});

describe('server errors', () => {
  it("takes the stream's actual revision from a WrongExpectedVersionError", () => {
    const atSeven = new WrongExpectedVersionError(undefined, { streamName: 'run-x', expected: 3n, current: 7n });
    const missing = new WrongExpectedVersionError(undefined, { streamName: 'run-x', expected: 0n, current: NO_STREAM });
    expect(conflictingRevisionOf(atSeven)).toBe(7);
    expect(conflictingRevisionOf(missing)).toBe(-1);
    expect(conflictingRevisionOf(new Error('unavailable'))).toBeUndefined();
    expect(conflictingRevisionOf(undefined)).toBeUndefined();
  });

  it('recognises a missing stream, and names the fix for an append larger than MaxAppendSize', () => {
    expect(isStreamNotFound({ type: ErrorType.STREAM_NOT_FOUND })).toBe(true);
    expect(isStreamNotFound(new Error('x'))).toBe(false);
    const tooLarge = appendFailureOf({ type: ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED, maxAppendSize: 1_048_576 }, 'dataset-big', 2);
    expect(tooLarge).toBeInstanceOf(AppendTooLargeError);
    expect((tooLarge as Error).message).toMatch(/dataset-big.*1048576 bytes.*MaxAppendSize/);
    const other = new Error('unavailable');
    expect(appendFailureOf(other, 'run-x', 1)).toBe(other);
  });
});

describe('stream names', () => {
  it('prefixes our streams with the namespace and filters $all on the prefixes of our categories', () => {
    const names = new StreamNames('dstest1_');
    expect(names.toServer('run-abc')).toBe('dstest1_run-abc');
    expect(names.categoryPrefixes()).toEqual(['dstest1_run-', 'dstest1_dataset-', 'dstest1_model-', 'dstest1_project-', 'dstest1_runmeta-']);
    expect(names.fromServer('dstest1_model-team:resnet')).toBe('model-team:resnet');
    expect(names.fromServer('dstest2_run-abc')).toBeUndefined();
    expect(names.fromServer('$stats-127.0.0.1:2113')).toBeUndefined();
    expect(new StreamNames().fromServer('project-p1')).toBe('project-p1');
    expect(new StreamNames().fromServer('runner-1')).toBeUndefined();
  });

  it('refuses to write a stream outside our categories, which a filtered $all would never return', () => {
    const names = new StreamNames();
    for (const stream of ['orders-1', 'run', 'runs-1', '$all']) {
      expect(() => names.toServer(stream), stream).toThrow(InvalidInputError);
    }
    expect(() => names.toServer('orders-1')).toThrow(/category "orders"/);
    expect(names.toServerForReading('orders-1')).toBe('orders-1');
  });

  it("refuses a namespace with '-' or '$'", () => {
    expect(() => new StreamNames('team-a_')).toThrow(InvalidInputError);
    expect(() => new StreamNames('$x')).toThrow(InvalidInputError);
  });
});

describe('stream ledger', () => {
  const recorded = (count: number, from = 0): RecordedEvent[] =>
    chainEvents(
      'run-l',
      from - 1,
      GENESIS_HASH,
      Array.from({ length: count }, () => newEvent({ n: 1 })),
    ).map((e, i) => ({
      ...e,
      position: 100 + from + i,
      recordedAt: '2025-01-01T00:00:00.000Z',
    }));

  it('follows the head and knows the revision of every id it has read, also in the store-wide map of ids', () => {
    const seen = new Map<string, { stream: string; revision: number }>();
    const ledger = new StreamLedger(seen);
    expect([ledger.head, ledger.headHash, ledger.headPosition]).toEqual([-1, GENESIS_HASH, -1]);
    const events = recorded(3);
    ledger.extend(events);
    expect([ledger.head, ledger.headHash, ledger.headPosition]).toEqual([2, events[2]!.hash, 102]);
    expect(ledger.revisionOf(events[1]!.id)).toBe(1);
    expect(ledger.revisionOf(randomUUID())).toBeUndefined();
    expect(seen.get(events[2]!.id)).toEqual({ stream: 'run-l', revision: 2 });
    expect(seen.size).toBe(3);
  });

  it('refuses events that do not continue the head (a stream truncated on the server)', () => {
    const ledger = new StreamLedger(new Map());
    ledger.extend(recorded(2));
    expect(() => ledger.extend(recorded(1, 5))).toThrow(/truncated or deleted/);
  });
});

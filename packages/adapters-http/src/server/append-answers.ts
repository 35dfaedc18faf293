import type { AppendResult } from '@dotscience/core';
import type { AppendChainResponse, AppendReceiptsResponse, EventReceipt } from '../wire/wire-schemas.js';

/** An append's answer with a receipt per event instead of the event (`?answer=receipts`). */
export function receiptsOf(result: AppendResult): AppendReceiptsResponse {
  const receipts = new Array<EventReceipt>(result.events.length);
  for (let i = 0; i < receipts.length; i++) {
    const { id, revision, position, recordedAt, prevHash, hash } = result.events[i]!;
    receipts[i] = { id, revision, position, recordedAt, prevHash, hash };
  }
  return { nextExpectedRevision: result.nextExpectedRevision, position: result.position, receipts };
}

/** An append's answer as the chain the client proves (`?answer=chain`): what receiptsOf says, without what the client knows. */
export function chainOf(result: AppendResult): AppendChainResponse {
  const { events } = result;
  const hashes = new Array<string>(events.length);
  const positions = new Array<number>(events.length);
  const recordedAt: AppendChainResponse['recordedAt'] = [];
  let run: AppendChainResponse['recordedAt'][number] | undefined;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    hashes[i] = event.hash;
    positions[i] = event.position;
    if (run?.at === event.recordedAt) run.count++;
    else recordedAt.push((run = { at: event.recordedAt, count: 1 }));
  }
  const head = events[0];
  return {
    nextExpectedRevision: result.nextExpectedRevision,
    position: result.position,
    ...(head ? { first: { revision: head.revision, prevHash: head.prevHash } } : {}),
    hashes,
    positions,
    recordedAt,
  };
}

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

/** An append's answer as the chain the client proves (`?answer=chain`): what receiptsOf says, without what the client knows or computes. */
export function chainOf(result: AppendResult): AppendChainResponse {
  const { events } = result;
  const positions: AppendChainResponse['positions'] = [];
  const recordedAt: AppendChainResponse['recordedAt'] = [];
  let positionRun: AppendChainResponse['positions'][number] | undefined;
  let timeRun: AppendChainResponse['recordedAt'][number] | undefined;
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (positionRun && positionRun.from + positionRun.count === event.position) positionRun.count++;
    else positions.push((positionRun = { from: event.position, count: 1 }));
    if (timeRun?.at === event.recordedAt) timeRun.count++;
    else recordedAt.push((timeRun = { at: event.recordedAt, count: 1 }));
  }
  const head = events[0];
  const last = events.at(-1);
  return {
    nextExpectedRevision: result.nextExpectedRevision,
    position: result.position,
    ...(head ? { first: { revision: head.revision, prevHash: head.prevHash } } : {}),
    ...(last ? { lastHash: last.hash } : {}),
    positions,
    recordedAt,
  };
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isHeadKeepingLog, parseInput, type AppendResult, type EventStore } from '@dotscience/core';
import { hubRoutes } from '../wire/hub-routes.js';
import * as wire from '../wire/wire-schemas.js';
import { authenticate } from './access-control.js';
import { writableEvents } from './deferred-writer-store.js';
import type { HubContext, SignedHead } from './hub-context.js';
import { receiptJson } from './receipt-answer-json.js';

/**
 * The signed head of a project's log now (and its JSON text), or undefined when its store keeps
 * no head. A head is signed and serialized once: the appends one group commit answers share it
 * (an Ed25519 signature costs ~50-200 µs, more than a small append's share of the commit).
 */
function signedHead(context: HubContext, project: string, events: EventStore): SignedHead | undefined {
  const head = isHeadKeepingLog(events) ? events.logHead() : undefined;
  if (!head || !context.receipts) return undefined;
  const last = context.signedHeads.get(project);
  if (last && last.receipt.head.count === head.count && last.receipt.head.logHash === head.logHash) return last;
  const receipt = context.receipts.sign({ version: 1, project, head, signedAt: new Date().toISOString() });
  const signed = { receipt, json: JSON.stringify(receipt) };
  context.signedHeads.set(project, signed);
  return signed;
}

/**
 * The receipt of an accepted append, as JSON text (what the ledger keeps and the answer carries):
 * the project's head after it (which covers its events: the store answers an append once its
 * commit is anchored), what it added, and the token the request authenticated with (id and
 * label, never the secret); recorded before it is answered.
 */
export async function receiptOfAppend(
  request: FastifyRequest,
  context: HubContext,
  project: string,
  stream: string,
  result: AppendResult,
  events: EventStore,
): Promise<string | undefined> {
  const receipts = context.receipts;
  const first = result.events[0];
  const last = result.events.at(-1);
  if (!receipts || !first || !last) return undefined;
  // The access the request authenticated with before its body was read: its token's id and label, looked up once.
  const { tokenId, label } = authenticate(request, context.tokens);
  const token = { id: tokenId, ...(label === undefined ? {} : { label }) };
  const head = signedHead(context, project, events);
  if (!head) return undefined;
  const append = { stream, fromRevision: first.revision, toRevision: last.revision, lastHash: last.hash, token };
  const json = receiptJson(head.json, append);
  await receipts.record(project, json);
  return json;
}

/** Receipts a page holds when the request does not say. */
const RECEIPTS_PAGE = 1000;

/** GET …/head: the project's head, signed now; GET …/receipts[?stream=|?from=&maxCount=]: who appended what (read role). */
export function registerReceiptRoutes(app: FastifyInstance, context: HubContext): void {
  app.get(hubRoutes.head, async (request, reply) => {
    const { params, stores } = await context.enter(request, wire.ProjectParamsSchema, 'read');
    // The head of the log as its writer checked it, never an unchecked one (D166).
    const receipt = signedHead(context, params.project, await writableEvents(stores.events))?.receipt;
    if (!receipt) return reply.status(404).send({ code: 'NO_SIGNED_HEAD', message: 'this hub keeps no signing key or its store keeps no log head' });
    return receipt;
  });

  app.get(hubRoutes.receipts, async (request) => {
    const { params } = await context.enter(request, wire.ProjectParamsSchema, 'read');
    const query = parseInput(wire.ReceiptsQuerySchema, request.query, 'query');
    const receipts = context.receipts;
    if (!receipts) return { receipts: [] };
    if (query.stream !== undefined) return { receipts: await receipts.readStream(params.project, query.stream) };
    // A project's receipts can be millions of lines: they are answered a page at a time, never read whole.
    return receipts.readPage(params.project, query.from ?? 0, query.maxCount ?? RECEIPTS_PAGE);
  });
}

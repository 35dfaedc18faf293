import type { FastifyRequest } from 'fastify';
import type { EventStore, ReceiptLedger, ReceiptSigner, SignedReceipt, UnsignedReceipt } from '@dotscience/core';
import type { z } from 'zod';
import type { TokenRegistry } from '../tokens/token-registry.js';
import type * as wire from '../wire/wire-schemas.js';
import type { HubLimits } from './connection-limits.js';
import type { ProjectReadModel } from './project-read-model.js';
import type { ProjectStores } from './project-stores.js';
import type { RunStreamReader } from './run-stream-reader.js';

/**
 * How a hub signs and keeps receipts (DESIGN §9 "Anchors"): `sign` with the hub's Ed25519
 * key, `record` one line per accepted append in the project's receipts (with the token that
 * made it: who pushed what; given as its JSON text, serialized once for the answer and the line), and read them back: one stream's, or the project's a page at a time.
 */
export interface HubReceipts {
  sign(receipt: UnsignedReceipt): SignedReceipt;
  /** Record a receipt given as its JSON text (`JSON.stringify` of the SignedReceipt). */
  record(project: string, receiptJson: string): Promise<void>;
  /** The receipts of appends to `stream` (a run's page asks for one run's among a project's millions of receipts). */
  readStream(project: string, stream: string): Promise<SignedReceipt[]>;
  /** A page of the project's receipts (ReceiptLedger.readPage), never the whole ledger at once. */
  readPage(project: string, from: number, maxCount: number): Promise<{ receipts: SignedReceipt[]; next?: number }>;
}

/** A hub's receipts signed by `signer` and kept in `ledger`, one name per project. */
export function receiptsKeptIn(signer: ReceiptSigner, ledger: ReceiptLedger): HubReceipts {
  return {
    sign: (receipt) => signer.sign(receipt),
    // The ledger line `{ receipt }`, as JSON.stringify writes it, from the receipt's text.
    record: (project, receiptJson) => ledger.appendJson(project, [`{"receipt":${receiptJson}}`]),
    readStream: async (project, stream) => (await ledger.readStream(project, stream)).map((line) => line.receipt),
    readPage: async (project, from, maxCount) => {
      const { lines, next } = await ledger.readPage(project, from, maxCount);
      return { receipts: lines.map((line) => line.receipt), ...(next === undefined ? {} : { next }) };
    },
  };
}

/** A signed head of a project's log and its JSON text. */
export interface SignedHead {
  receipt: SignedReceipt;
  json: string;
}

/** What the hub's route modules are given: the request gate, the per-project read sides and stores, and its settings. */
export interface HubContext {
  /** Parse params (and query/body) with zod, check the token's project and role, open the project's stores. */
  enter<P extends { project: string }>(request: FastifyRequest, params: z.ZodType<P>, role: wire.Role): Promise<{ params: P; stores: ProjectStores }>;
  readModel(project: string, stores: ProjectStores): ProjectReadModel;
  runStreams(project: string, stores: ProjectStores): RunStreamReader;
  /** The project's event store behind the append gate: where appends from clients go. */
  gatedEvents(project: string, stores: ProjectStores): EventStore;
  tokens: TokenRegistry;
  receipts: HubReceipts | undefined;
  /** The last head signed per project (appends answered by one commit share it). */
  signedHeads: Map<string, SignedHead>;
  heartbeatMs: number;
  limits: HubLimits;
}

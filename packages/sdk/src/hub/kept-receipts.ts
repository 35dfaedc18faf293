import { join } from 'node:path';
import type { EventStore, LedgerLine, LogHead, ReceiptLedger, ReceiptSigner, SignedReceipt } from '@dotscience/core';
import { PROJECT_FOLDER, type Configuration } from '../configuration/resolve-configuration.js';

/** The local fs store's folder of a configuration (for a hub store: the project's own `.dotscience`). */
export function localFolderOf(configuration: Configuration): string {
  return configuration.store.kind === 'fs' ? configuration.store.directory : join(configuration.projectRoot, PROJECT_FOLDER);
}

/** Have the hub's event store (HttpEventStore) keep the receipts of its appends from now on. */
export function startKeepingReceipts(events: EventStore): void {
  (events as Partial<{ keepReceipts(): void }>).keepReceipts?.call(events);
}

/** Write the receipts the hub's event store kept (HttpEventStore.takeReceipts) to the local store's ledger. */
export async function keepReceipts(ledger: ReceiptLedger, hub: string, events: EventStore): Promise<void> {
  const take = (events as Partial<{ takeReceipts(): SignedReceipt[] }>).takeReceipts;
  if (typeof take !== 'function') return;
  const receipts = take.call(events);
  const byProject = new Map<string, LedgerLine[]>();
  for (const receipt of receipts) {
    const lines = byProject.get(receipt.project) ?? [];
    lines.push({ hub, receipt });
    byProject.set(receipt.project, lines);
  }
  for (const [project, lines] of byProject) await ledger.append(project, lines);
}

/** Every receipt kept in the local store's ledger, of every hub project. */
export async function readKeptReceipts(ledger: ReceiptLedger): Promise<{ lines: LedgerLine[]; unreadable: number }> {
  const all: LedgerLine[] = [];
  let unreadable = 0;
  for (const name of await ledger.names()) {
    const read = await ledger.read(name);
    all.push(...read.lines);
    unreadable += read.unreadable;
  }
  return { lines: all, unreadable };
}

/** A local store's head signed by its anchor signer: what `ds audit anchor` prints. */
export function signLocalHead(signer: ReceiptSigner, project: string, head: LogHead): SignedReceipt {
  return signer.sign({ version: 1, project, head, signedAt: new Date().toISOString() });
}

/** Who appended to a stream, as a hub signed it: a hub store asks the hub; a local store reads the receipts its pushes kept. */
export async function streamReceipts(events: EventStore, configuration: Configuration, kept: ReceiptLedger, stream: string): Promise<LedgerLine[]> {
  const receiptsOf = (events as Partial<{ receiptsOf(stream: string): Promise<SignedReceipt[]> }>).receiptsOf;
  if (configuration.store.kind === 'hub' && typeof receiptsOf === 'function') {
    const hub = configuration.store.url;
    return (await receiptsOf.call(events, stream)).map((receipt) => ({ hub, receipt }));
  }
  const lines: LedgerLine[] = [];
  for (const name of await kept.names()) lines.push(...(await kept.readStream(name, stream)));
  return lines;
}

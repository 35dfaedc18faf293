import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ReceiptLedger, ReceiptSigner, type LedgerLine } from '@dotscience/adapters-fs';
import type { EventStore, LogHead, SignedReceipt } from '@dotscience/core';
import { PROJECT_FOLDER, type Configuration } from '../configuration/resolve-configuration.js';

/** The local fs store's folder of a configuration (for a hub store: the project's own `.dotscience`). */
export function localFolderOf(configuration: Configuration): string {
  return configuration.store.kind === 'fs' ? configuration.store.directory : join(configuration.projectRoot, PROJECT_FOLDER);
}

/** Where a local store keeps the receipts hubs signed for its pushes: `<store folder>/receipts/<hub project>.ndjson`. */
export function keptReceiptLedger(localFolder: string): ReceiptLedger {
  return new ReceiptLedger(join(localFolder, 'receipts'));
}

/** Have the hub's event store (HttpEventStore) keep the receipts of its appends from now on. */
export function startKeepingReceipts(events: EventStore): void {
  (events as Partial<{ keepReceipts(): void }>).keepReceipts?.call(events);
}

/** Write the receipts the hub's event store kept (HttpEventStore.takeReceipts) to the local ledger. */
export async function keepReceipts(localFolder: string, hub: string, events: EventStore): Promise<void> {
  const take = (events as Partial<{ takeReceipts(): SignedReceipt[] }>).takeReceipts;
  if (typeof take !== 'function') return;
  const receipts = take.call(events);
  const byProject = new Map<string, LedgerLine[]>();
  for (const receipt of receipts) {
    const lines = byProject.get(receipt.project) ?? [];
    lines.push({ hub, receipt });
    byProject.set(receipt.project, lines);
  }
  const ledger = keptReceiptLedger(localFolder);
  for (const [project, lines] of byProject) await ledger.append(project, lines);
}

/** Every receipt kept in the local store's folder, of every hub project. */
export async function readKeptReceipts(localFolder: string): Promise<{ lines: LedgerLine[]; unreadable: number }> {
  const ledger = keptReceiptLedger(localFolder);
  let names: string[];
  try {
    names = await readdir(ledger.dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], unreadable: 0 };
    throw error;
  }
  const all: LedgerLine[] = [];
  let unreadable = 0;
  for (const name of names.filter((n) => n.endsWith('.ndjson')).sort()) {
    const read = await ledger.read(decodeURIComponent(name.slice(0, -'.ndjson'.length)));
    all.push(...read.lines);
    unreadable += read.unreadable;
  }
  return { lines: all, unreadable };
}

/** A local store's head signed with the key in `keyFile` (made 0600 on first use): what `ds audit anchor` prints. */
export async function signLocalHead(keyFile: string, project: string, head: LogHead): Promise<SignedReceipt> {
  const signer = await ReceiptSigner.fromKeyFile(keyFile);
  return signer.sign({ version: 1, project, head, signedAt: new Date().toISOString() });
}

/** Who appended to a stream, as a hub signed it: a hub store asks the hub; a local store reads the receipts its pushes kept. */
export async function streamReceipts(events: EventStore, configuration: Configuration, stream: string): Promise<LedgerLine[]> {
  const receiptsOf = (events as Partial<{ receiptsOf(stream: string): Promise<SignedReceipt[]> }>).receiptsOf;
  if (configuration.store.kind === 'hub' && typeof receiptsOf === 'function') {
    const hub = configuration.store.url;
    return (await receiptsOf.call(events, stream)).map((receipt) => ({ hub, receipt }));
  }
  const { lines } = await readKeptReceipts(localFolderOf(configuration));
  return lines.filter((l) => l.receipt.append?.stream === stream);
}

import { categoryOf, LogChain, receiptSignatureHolds, type EventStore, type LedgerLine, type LogHead, type SignedReceipt } from '@dotscience/core';
import { openDotscience, type Dotscience } from '../composition-root.js';
import type { ResolveOptions } from '../configuration/resolve-configuration.js';
import { readKeptReceipts } from './kept-receipts.js';

/** A kept receipt that no longer holds, and on which side. */
export interface ReceiptFailure {
  hub: string;
  project: string;
  /** 'signature': the receipt itself was altered; 'local': this store changed what it pushed; 'hub': the hub's log is not what it signed. */
  side: 'signature' | 'local' | 'hub';
  stream?: string;
  revision?: number;
  /** The head the receipt vouches for. */
  count: number;
  message: string;
}

export interface ReceiptAuditReport {
  /** Receipts kept in this store's folder (of every hub). */
  receipts: number;
  /** Lines that did not parse (a torn last line). */
  unreadable: number;
  failures: ReceiptFailure[];
  /** With `against`: the hub's log recomputed and held against every receipt of it and its signed head now. */
  against?: { hub: string; project: string; receiptsChecked: number; head: LogHead; signedHead?: SignedReceipt };
}

function failure(line: LedgerLine, side: ReceiptFailure['side'], message: string): ReceiptFailure {
  const { receipt } = line;
  return {
    hub: line.hub ?? '(unknown hub)',
    project: receipt.project,
    side,
    ...(receipt.append ? { stream: receipt.append.stream, revision: receipt.append.toRevision } : {}),
    count: receipt.head.count,
    message,
  };
}

/**
 * What the receipts kept for this store's pushes prove about this side: each is signed as
 * it reads, and what it says was pushed (a stream up to a revision, ending in a hash) is
 * still in the local log, unchanged (the per-stream chain covers every revision before).
 */
async function localFailures(local: EventStore, lines: readonly LedgerLine[]): Promise<ReceiptFailure[]> {
  const failures: ReceiptFailure[] = [];
  for (const line of lines) {
    if (!receiptSignatureHolds(line.receipt)) {
      failures.push(failure(line, 'signature', 'its signature does not hold: the receipt was altered'));
      continue;
    }
    const append = line.receipt.append;
    // A dataset or model stream is merged, not copied (D104): the hub's copies settling this store's
    // versions are chained there at the hub's revisions, so only the hub's side (--against) can be held to them.
    if (!append || isMergedStream(append.stream)) continue;
    let found: { hash: string } | undefined;
    for await (const e of local.readStream(append.stream, { fromRevision: append.toRevision, maxCount: 1 })) found = e;
    if (!found)
      failures.push(
        failure(line, 'local', `stream ${append.stream} has no revision ${append.toRevision} here any more, though it was pushed: it was truncated or dropped`),
      );
    else if (found.hash !== append.lastHash)
      failures.push(
        failure(
          line,
          'local',
          `stream ${append.stream} revision ${append.toRevision} hashes to ${found.hash} here, the hub signed ${append.lastHash}: it was rewritten since it was pushed`,
        ),
      );
  }
  return failures;
}

const isMergedStream = (stream: string): boolean => categoryOf(stream) === 'dataset' || categoryOf(stream) === 'model';

const sameHub = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/**
 * The hub's side: read the hub's whole log, recompute its log chain, and hold it against the
 * head of every receipt this store kept of it and against the head the hub signs now. A
 * receipt whose head the hub's log no longer reaches, or reaches with another log hash, means
 * the hub rewrote, truncated or dropped records since it signed it.
 */
async function hubFailures(
  hub: Dotscience,
  hubUrl: string,
  lines: readonly LedgerLine[],
): Promise<{ failures: ReceiptFailure[]; against: NonNullable<ReceiptAuditReport['against']> }> {
  const events = hub.events as EventStore & Partial<{ signedHead(): Promise<SignedReceipt | undefined>; connection: { project(): Promise<string> } }>;
  const project = (await events.connection?.project()) ?? hub.configuration.projectId;
  const signedHead = await events.signedHead?.();
  // This hub's receipts: signed with the key it signs its head with now (its identity, whatever URL it answers on),
  // or kept from this URL. One from this URL with another key means the hub's key changed: its old receipts still count.
  const ofThisHub = (l: LedgerLine) =>
    l.receipt.project === project &&
    ((signedHead !== undefined && l.receipt.publicKey === signedHead.publicKey) || (l.hub !== undefined && sameHub(l.hub, hubUrl)));
  const mine = lines.filter((l) => ofThisHub(l) && receiptSignatureHolds(l.receipt));
  const wanted = new Map<number, LedgerLine[]>();
  const want = (line: LedgerLine) => wanted.set(line.receipt.head.count, [...(wanted.get(line.receipt.head.count) ?? []), line]);
  mine.forEach(want);
  const signedLine: LedgerLine | undefined = signedHead ? { hub: hubUrl, receipt: signedHead } : undefined;
  if (signedLine) want(signedLine);
  const failures: ReceiptFailure[] = [];
  if (signedLine && !receiptSignatureHolds(signedLine.receipt)) failures.push(failure(signedLine, 'signature', "the hub's signed head does not verify"));
  const rekeyed = mine.find((l) => signedHead !== undefined && l.receipt.publicKey !== signedHead.publicKey);
  if (rekeyed) failures.push(failure(rekeyed, 'hub', 'the hub signs with another key than the one it signed this receipt with'));
  const chain = new LogChain();
  const check = () => {
    const due = wanted.get(chain.count);
    if (!due) return;
    const { logHash } = chain.head();
    for (const line of due) {
      if (line.receipt.head.logHash !== logHash) {
        const what = line === signedLine ? 'its own signed head' : 'a receipt it signed';
        failures.push(
          failure(
            line,
            'hub',
            `the hub's first ${chain.count} records hash to log hash ${logHash}, ${what} says ${line.receipt.head.logHash}: the hub rewrote or dropped records since`,
          ),
        );
      }
    }
    wanted.delete(chain.count);
  };
  // Each receipt's append must be in the hub's log, inside the head it came with: its last record found by stream and revision.
  const appended = new Map<string, LedgerLine>(
    mine.flatMap((l) => (l.receipt.append ? [[`${l.receipt.append.stream}\u0000${l.receipt.append.toRevision}`, l] as const] : [])),
  );
  check();
  for await (const e of hub.events.readAll()) {
    chain.add(e.hash, e.position);
    check();
    const key = `${e.stream}\u0000${e.revision}`;
    const line = appended.get(key);
    if (!line) continue;
    appended.delete(key);
    if (e.hash !== line.receipt.append!.lastHash || chain.count > line.receipt.head.count) {
      failures.push(
        failure(
          line,
          'hub',
          `the hub's record of stream ${e.stream} revision ${e.revision} is not the one it accepted inside the head it signed (hash ${e.hash}, record ${chain.count} of the log)`,
        ),
      );
    }
  }
  for (const line of appended.values())
    failures.push(
      failure(
        line,
        'hub',
        `the hub's log holds no revision ${line.receipt.append!.toRevision} of stream ${line.receipt.append!.stream}, which it accepted: it dropped it`,
      ),
    );
  for (const due of wanted.values()) {
    for (const line of due)
      failures.push(
        failure(
          line,
          'hub',
          `the receipt vouches for ${line.receipt.head.count} records; the hub's log holds ${chain.count}: the hub truncated or dropped records since`,
        ),
      );
  }
  return { failures, against: { hub: hubUrl, project, receiptsChecked: mine.length, head: chain.head(), ...(signedHead ? { signedHead } : {}) } };
}

/** `ds audit verify --receipts` (and `--against <hub>`): hold the receipts kept for this store's pushes against both sides. */
export async function auditReceipts(local: Dotscience, options: ResolveOptions & { against?: string; token?: string } = {}): Promise<ReceiptAuditReport> {
  const { lines, unreadable } = await readKeptReceipts(local.receipts);
  const failures = await localFailures(local.events, lines);
  if (options.against === undefined) return { receipts: lines.length, unreadable, failures };
  const project = local.configuration.sources.project === 'default' ? {} : { project: local.configuration.projectId };
  const token = options.token ?? local.configuration.token;
  const hub = await openDotscience({
    ...options,
    settings: { ...project, store: options.against, data: options.against, ...(token === undefined ? {} : { token }) },
  });
  try {
    const onHub = await hubFailures(hub, options.against, lines);
    return { receipts: lines.length, unreadable, failures: [...failures, ...onHub.failures], against: onHub.against };
  } finally {
    await hub.close();
  }
}

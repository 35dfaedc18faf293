import type { Command } from 'commander';
import {
  auditReceipts,
  ChainVerifier,
  checkReferencedData,
  StreamAudit,
  verifyDataObjects,
  type AnchorReport,
  type ChainBreak,
  type DataPresenceReport,
  type DataVerifyReport,
  type MissingVersion,
  type ReceiptAuditReport,
  type RuleViolation,
} from '@dotscience/sdk';
import { anchorLines, LogAnchorAudit } from '../audit/log-anchor-audit.js';
import { PublishedAnchorCheck, type PublishedAnchorVerdict } from '../audit/published-anchor.js';
import { receiptLines } from '../audit/receipt-lines.js';
import { registerAuditAnchorCommand } from './audit-anchor.js';
import { settingsOf } from '../store-access.js';
import { printJson, printText } from '../output/json-output.js';
import { ProgressBar } from '../output/progress-bar.js';
import { withStoreForReading } from '../store-access.js';

interface AuditReport {
  ok: boolean;
  streams: number;
  events: number;
  break?: ChainBreak;
  /** The first event that breaks a rule of the catalogue or of its stream (what the append gate enforces). */
  violation?: RuleViolation;
  /** The log chain against the store's anchors (stores that keep them). */
  anchors?: AnchorReport;
  /** Every data version the events refer to, checked present (always). */
  references?: DataPresenceReport;
  data?: DataVerifyReport;
  /** With --anchor: the published head held against this log. */
  anchor?: PublishedAnchorVerdict;
  /** With --receipts or --against: the receipts kept for this store's pushes, held against both sides. */
  receipts?: ReceiptAuditReport;
}

function missingLine(m: MissingVersion): string {
  const version = m.digest ?? m.snapshotId ?? '(no digest)';
  return `MISSING ${m.kind} ${version} referenced by stream ${m.stream} revision ${m.revision} (position ${m.position}): ${m.reason}`;
}

/** `ds audit verify`: recompute every stream's hash chain (and optionally every data object's digest); exit 1 on a break. */
export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('check that the record was not altered');
  audit
    .command('verify')
    .description(
      "recompute every stream's hash chain and each published run's seal, check every event's schema and its stream's rules (nothing after a run's seal, parameters never change, versions numbered in order...), the log's anchors, and that every data version the events refer to is present; names the first break (exit code 1)",
    )
    .option('--objects', 'also rehash every data object and report those whose bytes changed')
    .option('--receipts', "check the receipts hubs signed for this store's pushes: each signature, and that what was pushed is still here unchanged")
    .option(
      '--against <hub>',
      "also read the hub's log and hold it against every receipt of it and its signed head now: proves neither side rewrote, truncated or dropped anything since",
    )
    .option('--anchor <file>', 'also hold the log against a head published with ds audit anchor')
    .option('--json', 'print the verdict as JSON')
    .action(async (options: { objects?: boolean; receipts?: boolean; against?: string; anchor?: string; json?: boolean }, command: Command) => {
      const published = options.anchor === undefined ? undefined : PublishedAnchorCheck.fromFile(options.anchor);
      const verdict = await withStoreForReading(command, async (ds): Promise<AuditReport> => {
        const verifier = new ChainVerifier();
        const rules = new StreamAudit();
        let violation: RuleViolation | undefined;
        const anchorAudit = await LogAnchorAudit.of(ds.events);
        const progress = new ProgressBar('verifying', undefined, 'events');
        let events = 0;
        let broken: ChainBreak | undefined;
        try {
          for await (const e of ds.events.readAll()) {
            broken = verifier.check(e);
            if (broken) break;
            violation = rules.check(e);
            if (violation) break;
            anchorAudit?.check(e);
            published?.check(e);
            progress.update(++events);
          }
        } finally {
          progress.finish();
        }
        const streams = verifier.verdict().streams;
        if (broken) return { ok: false, streams, events, break: broken };
        if (violation) return { ok: false, streams, events, violation };
        const anchors = await anchorAudit?.finish();
        const anchor = published?.verdict();
        const anchored = !anchors?.break && anchor?.holds !== false;
        const references = await checkReferencedData(ds);
        const present = references.missing.length === 0;
        if (!options.objects) return { ok: anchored && present, streams, events, ...(anchors ? { anchors } : {}), ...(anchor ? { anchor } : {}), references };
        const data = await verifyDataObjects(ds);
        return {
          ok: anchored && present && data.corrupt.length === 0,
          streams,
          events,
          ...(anchors ? { anchors } : {}),
          ...(anchor ? { anchor } : {}),
          references,
          data,
        };
      });
      const report = options.receipts || options.against !== undefined ? await withReceipts(command, verdict, options.against) : verdict;
      if (!report.ok) process.exitCode = 1;
      if (options.json) return printJson(report);
      if (report.break) {
        const b = report.break;
        return printText(`BROKEN at stream ${b.stream} revision ${b.revision} (position ${b.position}, ${b.reason}): ${b.message}`);
      }
      if (report.violation) {
        const v = report.violation;
        return printText(`VIOLATION at stream ${v.stream} revision ${v.revision} (position ${v.position}, rule ${v.rule}): ${v.message}`);
      }
      const lines = [
        `${report.ok ? 'ok' : 'FAILED'}: ${report.events} events in ${report.streams} streams; every hash chain and run seal verified, every event keeps its schema and its stream's rules`,
      ];
      lines.push(...anchorLines(report.anchors));
      if (report.anchor)
        lines.push(
          `${report.anchor.holds ? 'anchor' : 'BROKEN anchor'} ${report.anchor.file} (${report.anchor.count} records, log hash ${report.anchor.logHash}): ${report.anchor.message}`,
        );
      const references = report.references!;
      const { missing } = references;
      lines.push(
        `data: ${references.versionsReferenced - missing.length} of ${references.versionsReferenced} referenced versions present, ${missing.length} missing`,
      );
      lines.push(...missing.map(missingLine));
      if (report.data) {
        lines.push(`data: ${report.data.objectsChecked} objects checked, ${report.data.corrupt.length} corrupt`);
        for (const c of report.data.corrupt) lines.push(`CORRUPT ${c.digest} at ${c.path} (its bytes hash to ${c.actual})`);
      }
      if (report.receipts) lines.push(...receiptLines(report.receipts));
      printText(lines.join('\n'));
    });
  registerAuditAnchorCommand(audit);
}

/** The verdict with the kept receipts checked (and, given a hub, the hub's log against them). */
async function withReceipts(command: Command, verdict: AuditReport, against: string | undefined): Promise<AuditReport> {
  const receipts = await withStoreForReading(command, (ds) =>
    auditReceipts(ds, { settings: settingsOf(command), ...(against === undefined ? {} : { against }) }),
  );
  return { ...verdict, ok: verdict.ok && receipts.failures.length === 0, receipts };
}

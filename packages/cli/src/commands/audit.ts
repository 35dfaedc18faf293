import type { Command } from 'commander';
import { ChainVerifier, StreamAudit, type ChainBreak, type RuleViolation } from '@dotscience/core';
import { verifyDataObjects, type DataVerifyReport } from '@dotscience/sdk';
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
  data?: DataVerifyReport;
}

/** `ds audit verify`: recompute every stream's hash chain (and optionally every data object's digest); exit 1 on a break. */
export function registerAuditCommand(program: Command): void {
  const audit = program.command('audit').description('check that the record was not altered');
  audit
    .command('verify')
    .description("recompute every stream's hash chain and each published run's seal, and check every event's schema and its stream's rules (nothing after a run's seal, parameters never change, versions numbered in order...); names the first break (exit code 1)")
    .option('--objects', 'also rehash every data object and report those whose bytes changed')
    .option('--json', 'print the verdict as JSON')
    .action(async (options: { objects?: boolean; json?: boolean }, command: Command) => {
      const report = await withStoreForReading(command, async (ds): Promise<AuditReport> => {
        const verifier = new ChainVerifier();
        const rules = new StreamAudit();
        let violation: RuleViolation | undefined;
        const progress = new ProgressBar('verifying', undefined, 'events');
        let events = 0;
        let broken: ChainBreak | undefined;
        try {
          for await (const e of ds.events.readAll()) {
            broken = verifier.check(e);
            if (broken) break;
            violation = rules.check(e);
            if (violation) break;
            progress.update(++events);
          }
        } finally {
          progress.finish();
        }
        const streams = verifier.verdict().streams;
        if (broken) return { ok: false, streams, events, break: broken };
        if (violation) return { ok: false, streams, events, violation };
        if (!options.objects) return { ok: true, streams, events };
        const data = await verifyDataObjects(ds);
        return { ok: data.corrupt.length === 0, streams, events, data };
      });
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
      const lines = [`ok: ${report.events} events in ${report.streams} streams; every hash chain and run seal verified, every event keeps its schema and its stream's rules`];
      if (report.data) {
        lines.push(`data: ${report.data.objectsChecked} objects checked, ${report.data.corrupt.length} corrupt`);
        for (const c of report.data.corrupt) lines.push(`CORRUPT ${c.digest} at ${c.path} (its bytes hash to ${c.actual})`);
      }
      printText(lines.join('\n'));
    });
}

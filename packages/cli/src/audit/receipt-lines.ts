import type { ReceiptAuditReport } from '@dotscience/sdk';

/** The verdict's lines about kept receipts (`--receipts`, `--against`). */
export function receiptLines(report: ReceiptAuditReport): string[] {
  const lines: string[] = [];
  const against = report.against;
  if (against) {
    lines.push(
      `hub ${against.hub} project ${against.project}: ${against.head.count} records, log hash ${against.head.logHash}; ${against.receiptsChecked} kept receipt(s) checked against it`,
    );
    if (!against.signedHead) lines.push('note: the hub signs no head (an older hub, or one without a signing key)');
  }
  lines.push(
    `receipts: ${report.receipts} kept, ${report.failures.length} failure(s)${report.unreadable > 0 ? `, ${report.unreadable} unreadable line(s)` : ''}`,
  );
  for (const f of report.failures) {
    const where = f.stream === undefined ? `head of ${f.count} records` : `stream ${f.stream} revision ${f.revision}`;
    lines.push(`RECEIPT ${f.side.toUpperCase()} ${f.project} ${where}: ${f.message}`);
  }
  return lines;
}

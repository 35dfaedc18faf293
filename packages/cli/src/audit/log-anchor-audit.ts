import { AnchorVerifier, isAnchoredLog, type AnchorBreak, type AnchoredLog, type AnchorReport, type EventStore, type RecordedEvent } from '@dotscience/sdk';

/**
 * The anchor part of `ds audit verify`: the log chain recomputed over the records as the
 * verify pass reads them, held against the anchors the store wrote (anchors.log) and the
 * stream-index snapshot. Only a store that keeps anchors (the fs store) has any.
 */
export class LogAnchorAudit {
  private constructor(
    private readonly log: AnchoredLog,
    private readonly verifier: AnchorVerifier,
  ) {}

  static async of(events: EventStore): Promise<LogAnchorAudit | undefined> {
    if (!isAnchoredLog(events)) return undefined;
    return new LogAnchorAudit(events, new AnchorVerifier(await events.readAnchors()));
  }

  check(event: RecordedEvent): AnchorBreak | undefined {
    return this.verifier.check(event);
  }

  async finish(): Promise<AnchorReport> {
    return this.verifier.finish(await this.log.indexSnapshotCount());
  }
}

/** The verdict's lines about anchors. */
export function anchorLines(report: AnchorReport | undefined): string[] {
  if (!report) return ['anchors: this store keeps none'];
  const b = report.break;
  if (b) {
    const where = b.line === 0 ? 'the stream-index snapshot' : `anchors.log line ${b.line}`;
    const positions = b.to >= 0 ? `positions ${b.from}..${b.to}` : `after position ${b.from - 1}`;
    return [`BROKEN anchors at ${where} (${b.reason}; ${positions}): ${b.message}`];
  }
  const lines = [
    `anchors: ${report.verifiedRecords} of ${report.head.count} records hold against ${report.anchors} anchor lines; log hash ${report.head.logHash}`,
  ];
  if (report.recoveredRecords > 0)
    lines.push(`note: the first ${report.recoveredRecords} records were anchored when a writer opened the log, not as they were appended`);
  if (report.unanchoredRecords > 0) lines.push(`note: the last ${report.unanchoredRecords} records have no anchor line yet (the next writer adds it)`);
  return lines;
}

/** One line on stderr for stored events the catalogue refuses, passed over by a read model. */
export function reportSkipped(count: number, first: { type: string; stream: string; revision: number; reason: string } | undefined): void {
  if (first === undefined) return;
  process.stderr.write(
    `ds: passed over ${count} stored event(s) that break the event catalogue — first ${first.type} at ${first.stream} revision ${first.revision}: ${first.reason}; run ds audit verify\n`,
  );
}

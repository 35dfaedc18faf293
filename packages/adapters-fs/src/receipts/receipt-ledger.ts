import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignedReceiptSchema, type SignedReceipt } from '@dotscience/core';
import { z } from 'zod';

/** A kept receipt, and the hub that signed it (absent in a hub's own ledger). */
export const LedgerLineSchema = z.object({ hub: z.string().optional(), receipt: SignedReceiptSchema });
export type LedgerLine = z.infer<typeof LedgerLineSchema>;

/**
 * Receipts kept as JSON lines, one file per name (a project) in a directory (0700, files
 * 0600). A hub writes one line per accepted append (who made it: the token's id and
 * label); a client keeps the receipts a hub gave it. A line that does not parse (a torn
 * last line after a crash) is skipped and counted.
 */
export class ReceiptLedger {
  constructor(readonly dir: string) {}

  fileOf(name: string): string {
    return join(this.dir, `${encodeURIComponent(name)}.ndjson`);
  }

  async append(name: string, lines: readonly LedgerLine[]): Promise<void> {
    if (lines.length === 0) return;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await appendFile(this.fileOf(name), lines.map((l) => `${JSON.stringify(l)}\n`).join(''), { mode: 0o600 });
  }

  async read(name: string): Promise<{ lines: LedgerLine[]; unreadable: number }> {
    let text: string;
    try {
      text = await readFile(this.fileOf(name), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], unreadable: 0 };
      throw error;
    }
    const lines: LedgerLine[] = [];
    let unreadable = 0;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        lines.push(LedgerLineSchema.parse(JSON.parse(line)));
      } catch {
        unreadable++;
      }
    }
    return { lines, unreadable };
  }
}

/** The receipts of `lines` for one stream (a run's: who pushed it). */
export function receiptsOfStream(lines: readonly LedgerLine[], stream: string): SignedReceipt[] {
  return lines.flatMap((l) => (l.receipt.append?.stream === stream ? [l.receipt] : []));
}

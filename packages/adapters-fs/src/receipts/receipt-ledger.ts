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
  /** Per file: the lines waiting for the write in flight to end, and who waits for them. */
  private readonly pending = new Map<string, { text: string; waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> }>();

  constructor(readonly dir: string) {}

  fileOf(name: string): string {
    return join(this.dir, `${encodeURIComponent(name)}.ndjson`);
  }

  /**
   * Append lines to the file of `name`; resolves once they are written. Lines given while a
   * write to that file is in flight go together in the next one (a hub under load writes
   * one file append per batch of answers, not one per append).
   */
  append(name: string, lines: readonly LedgerLine[]): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    const text = lines.map((l) => `${JSON.stringify(l)}\n`).join('');
    const file = this.fileOf(name);
    return new Promise((resolve, reject) => {
      const queued = this.pending.get(file);
      if (queued) {
        queued.text += text;
        queued.waiters.push({ resolve, reject });
        return;
      }
      this.pending.set(file, { text: '', waiters: [] });
      void this.write(file, text, [{ resolve, reject }]);
    });
  }

  private async write(file: string, text: string, waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }>): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await appendFile(file, text, { mode: 0o600 });
      for (const w of waiters) w.resolve();
    } catch (error) {
      for (const w of waiters) w.reject(error);
    }
    const next = this.pending.get(file)!;
    if (next.waiters.length === 0) {
      this.pending.delete(file);
      return;
    }
    this.pending.set(file, { text: '', waiters: [] });
    await this.write(file, next.text, next.waiters);
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

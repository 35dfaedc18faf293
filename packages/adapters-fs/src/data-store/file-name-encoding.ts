import { isUtf8 } from 'node:buffer';

/** Bytes a UTF-8 sequence starting with `lead` claims to span (1 for a byte that cannot start one). */
function sequenceLength(lead: number): number {
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  if (lead >= 0xe0) return lead <= 0xef ? 3 : 1;
  if (lead >= 0xc2) return 2;
  return 1;
}

/**
 * A file name's bytes as readable text: valid UTF-8 sequences as their characters,
 * every byte that is not part of one as `\xHH` (e.g. Latin-1 `é` → `\xe9`).
 */
export function escapeInvalidUtf8(bytes: Uint8Array): string {
  let text = '';
  let at = 0;
  while (at < bytes.length) {
    const length = sequenceLength(bytes[at]!);
    const sequence = bytes.subarray(at, at + length);
    if (sequence.length === length && isUtf8(sequence)) {
      text += Buffer.from(sequence).toString('utf8');
      at += length;
    } else {
      text += `\\x${bytes[at]!.toString(16).padStart(2, '0')}`;
      at += 1;
    }
  }
  return text;
}

/** Node decodes names it cannot read as UTF-8 with U+FFFD: only then is a second look at the raw bytes needed. */
export const mayHideInvalidUtf8 = (decoded: string): boolean => decoded.includes('\uFFFD');

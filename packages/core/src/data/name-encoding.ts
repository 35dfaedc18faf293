/**
 * File names and symlink targets are bytes on disk but text in a manifest. These
 * rules decide when bytes are UTF-8 text and show the bytes that are not.
 */

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/** True when `bytes` are valid UTF-8 (no stray, truncated, overlong or surrogate sequences). */
export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** A text's length in UTF-8 bytes (a symlink entry's `size`). */
export function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Bytes a UTF-8 sequence starting with `lead` claims to span (1 for a byte that cannot start one). */
function sequenceLength(lead: number): number {
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  if (lead >= 0xe0) return lead <= 0xef ? 3 : 1;
  if (lead >= 0xc2) return 2;
  return 1;
}

/**
 * Bytes as readable text: valid UTF-8 sequences as their characters, every byte
 * that is not part of one as `\xHH` (e.g. Latin-1 `é` → `\xe9`).
 */
export function escapeInvalidUtf8(bytes: Uint8Array): string {
  let text = '';
  let at = 0;
  while (at < bytes.length) {
    const length = sequenceLength(bytes[at]!);
    const sequence = bytes.subarray(at, at + length);
    if (sequence.length === length && isValidUtf8(sequence)) {
      text += strictUtf8.decode(sequence);
      at += length;
    } else {
      text += `\\x${bytes[at]!.toString(16).padStart(2, '0')}`;
      at += 1;
    }
  }
  return text;
}

/**
 * Node decodes names it cannot read as UTF-8 with U+FFFD: only a decoded name
 * holding one needs a second look at its raw bytes (it may also be a real U+FFFD).
 */
export const mayHideInvalidUtf8 = (decoded: string): boolean => decoded.includes('\uFFFD');

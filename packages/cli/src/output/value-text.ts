import type { JsonValue } from '@dotscience/sdk';

/** A recorded value as a table cell: strings as written, numbers to 6 significant digits, other JSON compact. */
export function valueText(value: JsonValue | undefined): string {
  if (value === undefined) return '';
  if (value === null) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  return JSON.stringify(value);
}

export { byteSize } from '@dotscience/sdk';

/** An ISO-8601 UTC time as "2026-01-31 12:00:00". */
export function timeText(iso: string | null): string {
  return iso === null ? '' : iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
}

/** "sha256:abcdef…" → "abcdef012345" (enough to recognise, short enough for a table). */
export function shortDigest(digest: string | undefined | null): string {
  return digest ? digest.replace(/^sha256:/, '').slice(0, 12) : '';
}

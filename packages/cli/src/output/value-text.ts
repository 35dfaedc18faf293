import type { JsonValue } from '@dotscience/core';

/** A recorded value as a table cell: strings as written, numbers to 6 significant digits, other JSON compact. */
export function valueText(value: JsonValue | undefined): string {
  if (value === undefined) return '';
  if (value === null) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  return JSON.stringify(value);
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 → "1.5 KiB". */
export function byteSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** An ISO-8601 UTC time as "2026-01-31 12:00:00". */
export function timeText(iso: string | null): string {
  return iso === null ? '' : iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
}

/** "sha256:abcdef…" → "abcdef012345" (enough to recognise, short enough for a table). */
export function shortDigest(digest: string | undefined | null): string {
  return digest ? digest.replace(/^sha256:/, '').slice(0, 12) : '';
}

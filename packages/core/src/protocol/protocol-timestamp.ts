/**
 * The original library's timestamps: UTC, `strftime("%Y%m%dT%H%M%S.%f")`, e.g.
 * `20190517T142233.123456`. Like Dotscience's own reader (Go layout
 * `20060102T150405.999999999`) the fraction may have 1–9 digits or be absent.
 */
const PROTOCOL_TIMESTAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?$/;

/**
 * The instant a protocol timestamp names, as an ISO-8601 UTC string with
 * milliseconds (sub-millisecond digits are truncated, so a run's start never
 * moves later); undefined when the text is not such a timestamp or names no
 * real date (month 13, February 30…).
 */
export function protocolTimestampToIso(text: string): string | undefined {
  const m = PROTOCOL_TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const sameFields =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return sameFields ? date.toISOString() : undefined;
}

/**
 * `JSON.stringify(key) + ':'`: an object key's canonical text and its colon. The keys of
 * an event's meta and of metric data (nearly every event of a history) are looked up in a
 * table made once at load and never changed, so hashing an event makes no string for them
 * (writing each key afresh made recomputing a metric event's hash ~10% slower); any other
 * key is written here, one template when it needs no escape. Checked against JSON.stringify
 * by test/events/fast/json-key.property.test.ts.
 */
export function jsonKey(key: string): string {
  const known = KNOWN_KEY_TEXTS.get(key);
  if (known !== undefined) return known;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x20 || c === QUOTE || c === BACKSLASH || (c >= SURROGATE_FIRST && c <= SURROGATE_LAST)) return `${JSON.stringify(key)}:`;
  }
  return `"${key}":`;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SURROGATE_FIRST = 0xd800;
const SURROGATE_LAST = 0xdfff;

/** The keys of EventMetaSchema and of MetricRecorded / MetricsRecorded data, with their texts (read-only). */
const KNOWN_KEY_TEXTS: ReadonlyMap<string, string> = new Map(
  ['actor', 'causationId', 'correlationId', 'host', 'sdkVersion', 'user', 'at', 'name', 'step', 'value', 'deltasMs', 'series', 'start', 'steps', 'values'].map(
    (key) => [key, `${JSON.stringify(key)}:`],
  ),
);

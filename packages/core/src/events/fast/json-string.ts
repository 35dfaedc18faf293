/** Characters JSON.stringify escapes (quote, backslash, controls) and surrogates, which it escapes when unpaired. */
// eslint-disable-next-line no-control-regex -- the control characters are what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * `JSON.stringify(text)`, which is the text's canonical JSON too: most texts (names, ids,
 * timestamps) need no escape and are only quoted, without the call.
 */
export function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

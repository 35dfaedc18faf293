/**
 * `text`, unchanged. V8 keeps a string built by `+` as a tree of its pieces and walks that
 * tree each time the string is hashed or encoded as UTF-8 (a store does both to a record);
 * converting the string to a number (the result is not used) makes V8 flatten it once,
 * in place, so those later walks read one run of characters.
 */
export function flattened(text: string): string {
  Number(text);
  return text;
}

/**
 * SQL LIKE: `%` matches any run of characters (also none), `_` exactly one
 * character; the escape character (default `\`) makes the next character
 * literal, so `'100\%'` matches the text "100%". A trailing escape matches itself.
 */
export function likeMatcher(pattern: string, escape: string, caseInsensitive: boolean): (text: string) => boolean {
  let source = '';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (escape !== '' && c === escape && i + 1 < chars.length) source += quoteRegExp(chars[++i]!);
    else if (c === '%') source += '[\\s\\S]*';
    else if (c === '_') source += '[\\s\\S]';
    else source += quoteRegExp(c);
  }
  const regex = new RegExp(`^${source}$`, caseInsensitive ? 'iu' : 'u');
  return (text) => regex.test(text);
}

/** Escapes the characters that mean something in a RegExp (the set allowed escaped under the `u` flag). */
function quoteRegExp(c: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(c) ? `\\${c}` : c;
}

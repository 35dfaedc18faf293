import { UsageError } from '../usage-error.js';

/** A tag as typed on the command line: `key=value` sets it, `key=` removes it (value null). */
export function tagArgument(pair: string): { key: string; value: string | null } {
  const eq = pair.indexOf('=');
  if (eq <= 0) throw new UsageError(`tag ${JSON.stringify(pair)} is not key=value (key= removes the tag)`);
  const value = pair.slice(eq + 1);
  return { key: pair.slice(0, eq), value: value === '' ? null : value };
}

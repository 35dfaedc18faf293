import { parseInput } from '@dotscience/core';
import type { z } from 'zod';

/** How many parsed parameter sets are kept per schema before they are all dropped (a hub's busy streams come back at once). */
const KEPT = 4096;

/**
 * Route parameters (a URL path's project, stream, …) parsed by their zod schema, and kept by
 * their raw values: a hub sees the same project and stream on request after request (a run
 * appends to its stream again and again), and zod's parse of them costs more in a busy hub
 * than the rest of reading them. Only parameters that are all strings (what fastify gives) and
 * that the schema accepts are kept; the same strings give the same answer, which is frozen, since
 * every request with them shares it. Anything else is parsed each time, and refused as
 * `parseInput` refuses it.
 */
export class RouteParams {
  private readonly kept = new WeakMap<z.ZodType, Map<string, unknown>>();

  parse<P>(schema: z.ZodType<P>, raw: unknown): P {
    const key = keyOf(raw);
    if (key === undefined) return parseInput(schema, raw, 'URL path');
    let parsed = this.kept.get(schema);
    if (!parsed) this.kept.set(schema, (parsed = new Map()));
    const known = parsed.get(key);
    if (known !== undefined) return known as P;
    const params = Object.freeze(parseInput(schema, raw, 'URL path'));
    if (parsed.size >= KEPT) parsed.clear();
    parsed.set(key, params);
    return params;
  }
}

/** The parameters' names and values as one text, when they are a plain object of strings; else undefined. */
function keyOf(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const proto = Object.getPrototypeOf(raw);
  if (proto !== Object.prototype && proto !== null) return undefined;
  let key = '';
  for (const name of Object.keys(raw)) {
    const value = (raw as Record<string, unknown>)[name];
    if (typeof value !== 'string') return undefined;
    // Each part with its length: no two sets of parameters give the same text.
    key += `${name.length}:${name}\u0000${value.length}:${value}\u0000`;
  }
  return key;
}

/**
 * The text `JSON.stringify(value, null, 2)` gives, in pieces: for a document longer than V8's
 * longest string (~512 MB: `ds models --json` of a model with a million versions), which
 * JSON.stringify cannot make at all. Containers are walked; every other value is stringified
 * on its own, with JSON.stringify's rules (toJSON, undefined and functions left out of objects
 * and written as null in arrays). Checked against JSON.stringify by json-text-pieces.property.test.ts.
 */
export function* jsonTextPieces(value: unknown, indent = ''): Generator<string> {
  const json = toJsonValue(value);
  if (json === null || typeof json !== 'object' || json instanceof Number || json instanceof String || json instanceof Boolean) {
    yield String(JSON.stringify(json));
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(json)) {
    if (json.length === 0) {
      yield '[]';
      return;
    }
    yield '[';
    for (let i = 0; i < json.length; i++) {
      yield `${i === 0 ? '' : ','}\n${inner}`;
      const item = toJsonValue(json[i]);
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') yield 'null';
      else yield* jsonTextPieces(item, inner);
    }
    yield `\n${indent}]`;
    return;
  }
  let first = true;
  for (const key of Object.keys(json)) {
    const item = toJsonValue((json as Record<string, unknown>)[key]);
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    yield `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
    first = false;
    yield* jsonTextPieces(item, inner);
  }
  yield first ? '{}' : `\n${indent}}`;
}

/** A value as JSON.stringify sees it: after its toJSON, if it has one. */
function toJsonValue(value: unknown): unknown {
  const toJSON = (value as { toJSON?: unknown } | null | undefined)?.toJSON;
  return typeof toJSON === 'function' ? (toJSON as () => unknown).call(value) : value;
}

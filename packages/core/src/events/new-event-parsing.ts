import { parseInput } from '../errors/parse-input.js';
import { InvalidInputError } from '../errors/store-errors.js';
import { NewEventSchema, type NewEvent } from './envelope.js';
import { plainlyValidNewEvent } from './fast/new-event.js';
import type { JsonValue } from './json.js';

/**
 * An append's events as parseNewEvents returns them, and whether JSON.stringify writes every
 * event's data as canonical JSON (true when each data is a plain copy made with its objects'
 * keys in canonical order and no array-index key). A store takes that fact (takeDataTextVouch
 * sets it false) before writing the texts with batchCanonicalFields, so an array whose data a
 * caller changes afterwards is not trusted a second time. A non-enumerable property: the array compares as a plain array.
 */
export type ParsedNewEvents = NewEvent[] & { dataTextIsCanonical: boolean };

/**
 * `parseInput(NewEventSchema, value, subject)`: the event with unknown keys stripped and a
 * fresh deep copy of data and meta, or an InvalidInputError naming each bad field. What is
 * plainly valid is accepted without zod (fast/new-event.ts); zod gives every other verdict.
 * `subject` (what the error names) may be a function, called only when zod runs, so a caller
 * parsing many events builds no label for the valid ones.
 */
export function parseNewEvent(value: unknown, subject: string | (() => string)): NewEvent {
  return plainlyValidNewEvent(value)?.event ?? parseWithZod(value, subject);
}

/** `parseNewEvent` for each of an append's events (`subject(i)` names the i-th). */
export function parseNewEvents(values: readonly unknown[], subject: (i: number) => string): ParsedNewEvents {
  const parsed = new Array<NewEvent>(values.length);
  let dataTextIsCanonical = true;
  for (let i = 0; i < values.length; i++) {
    const plain = plainlyValidNewEvent(values[i]);
    if (plain) {
      parsed[i] = plain.event;
      dataTextIsCanonical &&= plain.dataTextIsCanonical;
    } else {
      parsed[i] = parseWithZod(values[i], () => subject(i));
      dataTextIsCanonical = false;
    }
  }
  return Object.defineProperty(parsed, 'dataTextIsCanonical', { value: dataTextIsCanonical, writable: true, enumerable: false }) as ParsedNewEvents;
}

function parseWithZod(value: unknown, subject: string | (() => string)): NewEvent {
  const label = typeof subject === 'string' ? subject : subject();
  const protoKey = isObject(value) ? protoKeyPath(value.data, ['data']) : undefined;
  if (!protoKey) {
    const parsed = parseInput(NewEventSchema, value, label);
    parsed.data = withoutNegativeZero(parsed.data);
    return parsed;
  }
  const protoProblem = { path: protoKey, message: PROTO_KEY_MESSAGE };
  try {
    parseInput(NewEventSchema, value, label);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new InvalidInputError(label, [...error.problems, protoProblem]);
    throw error;
  }
  throw new InvalidInputError(label, [protoProblem]);
}

/**
 * `value` (a fresh copy made by zod) with every -0 made 0, in place. JSON has no negative
 * zero: the record holds 0, so the append's answer must hold 0 too, not what was sent.
 */
function withoutNegativeZero(value: JsonValue): JsonValue {
  if (typeof value === 'number') return value === 0 ? 0 : value;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = withoutNegativeZero(value[i]!);
  } else {
    for (const key of Object.keys(value)) value[key] = withoutNegativeZero(value[key]!);
  }
  return value;
}

const PROTO_KEY_MESSAGE = 'the key "__proto__" cannot be recorded: JavaScript objects treat it as the prototype, so it would be lost; rename the key';

/**
 * The path of an own `__proto__` key in data (from JSON.parse, say), else undefined. zod's
 * record drops such a key without an issue, so the event recorded and hashed would silently
 * differ from the one sent; it is refused instead.
 */
function protoKeyPath(value: unknown, path: string[]): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = protoKeyPath(value[i], [...path, String(i)]);
      if (found) return found;
    }
    return undefined;
  }
  if (Object.prototype.hasOwnProperty.call(value, '__proto__')) return [...path, '__proto__'].join('.');
  for (const key of Object.keys(value)) {
    const found = protoKeyPath((value as Record<string, unknown>)[key], [...path, key]);
    if (found) return found;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

import type { z } from 'zod';

/**
 * A checker of an event's data built from its catalogue schema (undefined when only zod can parse it): it answers the
 * same output as the schema's parse (a new object, the schema's keys in the schema's order,
 * arrays and records copied) for what it accepts. Reading a history parses every handled
 * event: zod's parse of RunStarted (a run's code, environment and workload, mostly optional
 * fields that are absent) costs several µs, which made the datasets projection, the one that
 * needs a run's project (D122), cost 1.25× of 45c327c's to rebuild (docs/decisions.md D178).
 *
 * The checker knows objects, strings, finite numbers, booleans, null, enums, literals, arrays,
 * records with string keys, optional and nullable fields, and the checks on them of length,
 * pattern, safe integer and bounds. It accepts only what it is sure of: plain objects holding
 * no key the schema lacks and no key set to undefined. Any other schema inside (a union, a
 * lazy schema, a refinement) is parsed by zod itself, on that value only. On any doubt it
 * answers undefined and the caller asks zod for the whole event, which gives the verdict and
 * names what is wrong. Building one costs about as much as a few hundred checks, so the caller keeps it.
 * Checked against zod by test/events/fast/event-data.property.test.ts.
 */
export function eventDataChecker(schema: z.ZodType): ((data: unknown) => unknown) | undefined {
  const check = compile(schema);
  if (check === undefined) return undefined;
  return (data) => {
    const parsed = check(data);
    return parsed === REFUSED ? undefined : parsed;
  };
}

/** What a checker answers when it is not sure the value is valid. */
const REFUSED: unique symbol = Symbol('refused');
type Checker = (value: unknown) => unknown;

/** A zod schema's definition, as far as the checker reads it. */
interface SchemaDef {
  type: string;
  checks?: Array<{ _zod: { def: CheckDef } }>;
  coerce?: boolean;
  format?: string;
  pattern?: RegExp;
  check?: string;
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  innerType?: z.ZodType;
  element?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  mode?: string;
}
interface CheckDef {
  check: string;
  minimum?: number;
  maximum?: number;
  length?: number;
  value?: unknown;
  inclusive?: boolean;
  format?: string;
  pattern?: RegExp;
  when?: unknown;
}

/** The internals of a zod schema the checker reads: its definition, what an absent key means to it, its allowed values. */
interface SchemaInternals {
  def: SchemaDef;
  optin?: string;
  optout?: string;
  values?: Set<unknown>;
}
const internalsOf = (schema: z.ZodType): SchemaInternals => (schema as unknown as { _zod: SchemaInternals })._zod;
const defOf = (schema: z.ZodType): SchemaDef => internalsOf(schema).def;

/** zod's own parse, on one value: for a schema the checker does not know. */
function byZod(schema: z.ZodType): Checker {
  return (value) => {
    const parsed = schema.safeParse(value);
    return parsed.success ? parsed.data : REFUSED;
  };
}

/** The checker of `schema`, or undefined when only zod knows how to parse it. */
function compile(schema: z.ZodType): Checker | undefined {
  const def = defOf(schema);
  if (def.coerce) return undefined;
  const rules = valueRules(def);
  if (rules === undefined || (rules.length > 0 && def.type === 'nullable')) return undefined;
  const parse = compileType(schema, def);
  if (parse === undefined) return undefined;
  if (rules.length === 0) return parse;
  return (value) => {
    const parsed = parse(value);
    if (parsed === REFUSED) return REFUSED;
    for (const rule of rules) if (!rule(parsed)) return REFUSED;
    return parsed;
  };
}

/** A field or an element: the checker of its schema, else zod's parse of it. */
const compileOrZod = (schema: z.ZodType): Checker => compile(schema) ?? byZod(schema);

function compileType(schema: z.ZodType, def: SchemaDef): Checker | undefined {
  switch (def.type) {
    case 'string':
      return (v) => (typeof v === 'string' ? v : REFUSED);
    case 'number':
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? v : REFUSED);
    case 'boolean':
      return (v) => (typeof v === 'boolean' ? v : REFUSED);
    case 'null':
      return (v) => (v === null ? v : REFUSED);
    case 'enum':
    case 'literal':
      return oneOf(internalsOf(schema).values);
    case 'nullable': {
      const inner = compileOrZod(def.innerType!);
      return (v) => (v === null ? null : inner(v));
    }
    case 'array': {
      const element = compileOrZod(def.element!);
      return (v) => (Array.isArray(v) ? arrayOf(v, element) : REFUSED);
    }
    case 'record':
      return compileRecord(def);
    case 'object':
      return def.catchall === undefined ? compileObject(def.shape!) : undefined;
    default:
      return undefined;
  }
}

function oneOf(allowed: ReadonlySet<unknown> | undefined): Checker | undefined {
  if (allowed === undefined || ![...allowed].every((v) => typeof v === 'string' || typeof v === 'boolean' || v === null)) return undefined;
  return (v) => (allowed.has(v) ? v : REFUSED);
}

function arrayOf(values: readonly unknown[], element: Checker): unknown[] | typeof REFUSED {
  const copy = new Array<unknown>(values.length);
  for (let i = 0; i < values.length; i++) {
    const parsed = element(values[i]);
    if (parsed === REFUSED) return REFUSED;
    copy[i] = parsed;
  }
  return copy;
}

/** A plain object (from JSON.parse or an object literal). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Records of any string key: keys with rules, or of another kind, are left to zod. */
function compileRecord(def: SchemaDef): Checker | undefined {
  const key = defOf(def.keyType!);
  if (key.type !== 'string' || key.coerce || key.format !== undefined || (key.checks?.length ?? 0) > 0 || def.mode === 'loose') return undefined;
  const value = compileOrZod(def.valueType!);
  return (input) => {
    if (!isPlainObject(input) || Object.getOwnPropertySymbols(input).length > 0) return REFUSED;
    const copy: Record<string, unknown> = {};
    for (const k of Object.keys(input)) {
      if (k === '__proto__') return REFUSED;
      const parsed = value(input[k]);
      if (parsed === REFUSED) return REFUSED;
      copy[k] = parsed;
    }
    return copy;
  };
}

interface Field {
  key: string;
  required: boolean;
  check: Checker;
}

function compileObject(shape: Record<string, z.ZodType>): Checker | undefined {
  const fields: Field[] = [];
  for (const key of Object.keys(shape)) {
    if (key === '__proto__') return undefined;
    const internals = internalsOf(shape[key]!);
    const def = internals.def;
    // `.optional()` of a schema without a default: an absent key stays absent.
    const optional = def.type === 'optional' && (def.checks?.length ?? 0) === 0 && internals.optin === 'optional' && internals.optout === 'optional';
    fields.push({ key, required: !optional, check: compileOrZod(optional ? def.innerType! : shape[key]!) });
  }
  // The keys present are kept as bits of one number: an object of more fields is left to zod.
  if (fields.length > 31) return undefined;
  const bitOf = new Map(fields.map((f, i) => [f.key, 1 << i]));
  const required = fields.reduce((mask, f, i) => (f.required ? mask | (1 << i) : mask), 0);
  // Only the keys the input holds are visited (most of a schema's fields are optional and absent), then copied in the schema's order.
  return (input) => {
    if (!isPlainObject(input)) return REFUSED;
    let present = 0;
    for (const key in input) {
      const bit = bitOf.get(key);
      if (bit === undefined) return REFUSED;
      present |= bit;
    }
    if ((present & required) !== required) return REFUSED;
    const copy: Record<string, unknown> = {};
    for (let rest = present; rest !== 0; rest &= rest - 1) {
      const field = fields[31 - Math.clz32(rest & -rest)]!;
      const value = input[field.key];
      if (value === undefined) return REFUSED;
      const parsed = field.check(value);
      if (parsed === REFUSED) return REFUSED;
      copy[field.key] = parsed;
    }
    return copy;
  };
}

type Rule = (value: unknown) => boolean;

/** The schema's checks as rules on its parsed value; undefined when one is not known here. */
function valueRules(def: SchemaDef): Rule[] | undefined {
  const defs = (def.checks ?? []).map((c) => c._zod.def);
  // A string format (z.uuid()) is its own check.
  if (def.check !== undefined) defs.unshift(def as CheckDef);
  const rules: Rule[] = [];
  for (const check of defs) {
    const rule = ruleOf(check);
    if (rule === undefined) return undefined;
    rules.push(rule);
  }
  return rules;
}

function ruleOf(check: CheckDef): Rule | undefined {
  const lengthChecks = check.check === 'min_length' || check.check === 'max_length' || check.check === 'length_equals';
  if (check.when !== undefined && !lengthChecks) return undefined;
  switch (check.check) {
    case 'min_length': {
      const minimum = check.minimum!;
      // A code point is one or two UTF-16 units: only between `minimum` and twice it must they be counted.
      return (v) => (v as string | unknown[]).length >= minimum && (typeof v !== 'string' || v.length >= 2 * minimum || codePoints(v) >= minimum);
    }
    case 'max_length': {
      const maximum = check.maximum!;
      return (v) => (v as string | unknown[]).length <= maximum || (typeof v === 'string' && codePoints(v) <= maximum);
    }
    case 'length_equals':
      return (v) => (typeof v === 'string' ? codePoints(v) : (v as unknown[]).length) === check.length!;
    case 'string_format': {
      const pattern = check.pattern;
      if (pattern === undefined || !['regex', 'uuid', 'guid'].includes(check.format ?? '')) return undefined;
      return (v) => {
        pattern.lastIndex = 0;
        return pattern.test(v as string);
      };
    }
    case 'number_format':
      return check.format === 'safeint' ? (v) => Number.isSafeInteger(v) : undefined;
    case 'greater_than':
      if (typeof check.value !== 'number') return undefined;
      return check.inclusive ? (v) => (v as number) >= (check.value as number) : (v) => (v as number) > (check.value as number);
    case 'less_than':
      if (typeof check.value !== 'number') return undefined;
      return check.inclusive ? (v) => (v as number) <= (check.value as number) : (v) => (v as number) < (check.value as number);
    default:
      return undefined;
  }
}

/** What zod's length checks measure of a string: its code points (a surrogate pair counts once). */
function codePoints(value: string): number {
  let length = value.length;
  for (let i = 0; i < value.length - 1; i++) {
    if ((value.charCodeAt(i) & 0xfc00) === 0xd800 && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      length--;
      i++;
    }
  }
  return length;
}

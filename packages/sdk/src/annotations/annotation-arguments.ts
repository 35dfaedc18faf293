import { InvalidInputError, JsonValueSchema, parseInput, type JsonValue } from '@dotscience/core';
import { z } from 'zod';

/**
 * Synchronous checks of what a user passes to an annotation. They run before
 * anything is queued, so bad input throws at the call that made it (a typed
 * InvalidInputError naming the argument) and nothing is written.
 */

const MAX_NAME = 1024;

const NameSchema = z.string().min(1, 'must not be empty').max(MAX_NAME, `must be at most ${MAX_NAME} characters`);
const PathSchema = z.string().min(1, 'must be a path (a non-empty string)');
const TextSchema = z.string();
const StepSchema = z.number().int('must be an integer').nonnegative('must not be negative').max(Number.MAX_SAFE_INTEGER);
const LabelValueSchema = z.union([z.string(), z.number().refine(Number.isFinite, 'must be a finite number'), z.boolean()], {
  error: 'must be a string, a number or a boolean',
});

export function checkName(annotation: string, name: unknown): string {
  return parseInput(NameSchema, name, `${annotation} name`);
}

export function checkPath(annotation: string, path: unknown): string {
  return parseInput(PathSchema, path, `${annotation} path`);
}

export function checkText(annotation: string, text: unknown): string {
  return parseInput(TextSchema, text, annotation);
}

/** Where a value stops being JSON, and why (zod's union only says "Invalid input" at the root). */
function jsonProblem(value: unknown, path: string): { path: string; message: string } | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : { path, message: `is ${value}: must be a finite number (NaN and Infinity are not JSON)` };
    case 'object': {
      if (value === null) return undefined;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const problem = jsonProblem(value[i], path ? `${path}.${i}` : String(i));
          if (problem) return problem;
        }
        return undefined;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        return {
          path,
          message: `is a ${(value as object).constructor?.name ?? 'class instance'}: must be plain JSON (convert Dates to ISO strings, Maps to objects)`,
        };
      }
      for (const [key, v] of Object.entries(value)) {
        const problem = jsonProblem(v, path ? `${path}.${key}` : key);
        if (problem) return problem;
      }
      return undefined;
    }
    default:
      return { path, message: `is ${typeof value}: must be a JSON value (number, string, boolean, null, array or object)` };
  }
}

export function checkJsonValue(annotation: string, name: string, value: unknown): JsonValue {
  const subject = `${annotation} "${name}" value`;
  const problem = jsonProblem(value, '');
  if (problem) throw new InvalidInputError(subject, [problem]);
  return parseInput(JsonValueSchema, value, subject);
}

/** A label value as the original library records it: its text. */
export function labelText(name: string, value: unknown): string {
  return String(parseInput(LabelValueSchema, value, `label "${name}" value`));
}

export function checkStep(name: string, step: unknown): number {
  return parseInput(StepSchema, step, `metric "${name}" step`);
}

/**
 * The hot path's checks (no zod, no allocation when they pass): a metric name
 * and a finite number. Anything else goes through the full checks, which either
 * accept it (a JSON value, a valid step) or say what is wrong.
 */
export function isPlainMetric(name: unknown, value: unknown): boolean {
  return typeof name === 'string' && name.length > 0 && name.length <= MAX_NAME && typeof value === 'number' && value - value === 0;
}

export type NamedValues<V> = Record<string, V> | ReadonlyArray<readonly [string, V]>;

/**
 * The add* forms of named values, as the original library takes them: one object
 * (`{ lr: 0.1, depth: 3 }`), an array of `[name, value]` pairs, or flat
 * alternating arguments (`'lr', 0.1, 'depth', 3`).
 */
export function namedValues(annotation: string, args: readonly unknown[]): Array<[string, unknown]> {
  if (args.length === 1) {
    const [only] = args;
    if (Array.isArray(only)) {
      return only.map((pair, i) => {
        if (!Array.isArray(pair) || pair.length !== 2) {
          throw new InvalidInputError(`${annotation} pairs`, [{ path: String(i), message: 'must be a [name, value] pair' }]);
        }
        return [checkName(annotation, pair[0]), pair[1]];
      });
    }
    if (typeof only === 'object' && only !== null) return Object.entries(only).map(([k, v]) => [checkName(annotation, k), v]);
  }
  if (args.length % 2 !== 0) {
    throw new InvalidInputError(`${annotation} arguments`, [
      { path: String(args.length - 1), message: `has no value: pass an object, [name, value] pairs, or name, value, name, value…` },
    ]);
  }
  const out: Array<[string, unknown]> = [];
  for (let i = 0; i < args.length; i += 2) out.push([checkName(annotation, args[i]), args[i + 1]]);
  return out;
}

/** The add* forms of paths: several arguments or one array. */
export function pathList(annotation: string, args: readonly unknown[]): string[] {
  const flat = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
  return flat.map((p) => checkPath(annotation, p));
}

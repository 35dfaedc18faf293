import type { z } from 'zod';
import { InvalidInputError } from './store-errors.js';

/** Parse a boundary input with zod; on failure throw an InvalidInputError naming each field path. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, subject: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidInputError(
    subject,
    result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  );
}

import type { z } from 'zod';
import { InvalidInputError } from './store-errors.js';

/** Parse a boundary input with zod; on failure throw an InvalidInputError naming each field path. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, subject: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidInputError(
    subject,
    result.error.issues.flatMap((issue) => namedIssues(issue, [])),
  );
}

type Issue = z.core.$ZodIssue;
type PathKey = PropertyKey;

/**
 * One issue as path + message, reaching into unions and record keys so that the path names
 * the innermost offending field ("data.scores.2: …") rather than the union that holds it
 * ("data: Invalid input"). Union branch issues carry paths relative to the union.
 */
function namedIssues(issue: Issue, prefix: readonly PathKey[]): { path: string; message: string }[] {
  const path = [...prefix, ...issue.path];
  // A union with a message of its own (`{ error: … }`) says best what it wants; only zod's default is replaced.
  if (issue.code === 'invalid_union' && issue.errors.length > 0 && issue.message === DEFAULT_UNION_MESSAGE) {
    // A branch that got past its type check says what is actually wrong.
    const informative = issue.errors.filter((branch) => branch.some((i) => !isRootTypeMismatch(i)));
    if (informative.length === 1) return informative[0]!.flatMap((i) => namedIssues(i, path));
    if (informative.length === 0) return [{ path: pathText(path), message: noBranchMatched(issue.errors) }];
  }
  if (issue.code === 'invalid_key' && issue.issues.length > 0) {
    return issue.issues.map((i) => ({ path: pathText(path), message: `key ${i.message}` }));
  }
  return [{ path: pathText(path), message: issue.message }];
}

const DEFAULT_UNION_MESSAGE = 'Invalid input';

function isRootTypeMismatch(issue: Issue): boolean {
  return issue.code === 'invalid_type' && issue.path.length === 0;
}

/** "expected string, number, boolean, null, array or record, received NaN" */
function noBranchMatched(branches: Issue[][]): string {
  const expected = [...new Set(branches.map((b) => (b[0]?.code === 'invalid_type' ? String(b[0].expected) : 'another type')))];
  const received = /received (.+)$/.exec(branches[0]?.[0]?.message ?? '')?.[1];
  const list = expected.length > 1 ? `${expected.slice(0, -1).join(', ')} or ${expected.at(-1)}` : expected[0];
  return `Invalid input: expected ${list}${received ? `, received ${received}` : ''}`;
}

function pathText(path: readonly PathKey[]): string {
  return path.map(String).join('.');
}

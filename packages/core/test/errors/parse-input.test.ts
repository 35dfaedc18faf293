import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidInputError, JsonValueSchema, parseInput } from '../../src/index.js';

function problemsOf(schema: z.ZodType, value: unknown): InvalidInputError['problems'] {
  try {
    parseInput(schema, value, 'input');
  } catch (error) {
    if (error instanceof InvalidInputError) return error.problems;
    throw error;
  }
  throw new Error('parsed without an error');
}

describe('parseInput names the field that is wrong', () => {
  const Body = z.object({ data: JsonValueSchema, revision: z.union([z.number().int(), z.enum(['any'])], { error: "must be a revision or 'any'" }) });

  it('given a bad value deep inside a JSON union, when parsed, then the problem names the innermost path and what JSON allows there, not "data: Invalid input"', () => {
    expect(problemsOf(Body, { data: { scores: [1, { x: Number.NaN }] }, revision: 1 })).toEqual([
      { path: 'data.scores.1.x', message: 'Invalid input: expected string, number, boolean, null, array or record, received NaN' },
    ]);
  });

  it('given a value no branch of a union takes at all, when parsed, then the problem lists the branches and what was received', () => {
    expect(problemsOf(Body, { data: undefined, revision: 1 })).toEqual([
      { path: 'data', message: 'Invalid input: expected string, number, boolean, null, array or record, received undefined' },
    ]);
  });

  it('given a union with a message of its own, when it refuses, then that message is kept', () => {
    expect(problemsOf(Body, { data: 1, revision: 'latest' })).toEqual([{ path: 'revision', message: "must be a revision or 'any'" }]);
  });

  it('given several bad fields, when parsed, then each is named', () => {
    expect(problemsOf(Body, { data: [Infinity], revision: 1.5 }).map((p) => p.path)).toEqual(['data.0', 'revision']);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInput } from '@dotscience/core';
import { RouteParams } from '../src/server/route-params.js';
import { ObjectParamsSchema, ProjectParamsSchema, StreamParamsSchema } from '../src/wire/wire-schemas.js';

/** What parseInput answers: the value, or the refusal's message. */
function verdict(parse: () => unknown): { value: unknown } | { refused: string } {
  try {
    return { value: parse() };
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

/** Project ids and streams, valid or not: a few of each, so that the same ones come back (kept answers are reused). */
const project = fc.constantFrom('bench', 'team-a', 'x..y', '', '-lead', 'p'.repeat(129), 'caf\u00e9');
const stream = fc.constantFrom('run-1', 'run-2', '', 's'.repeat(1025), 'dataset-x');
const name = fc.constantFrom('project', 'stream', 'hex', 'extra');
const params = fc.oneof(
  fc.record({ project, stream }),
  fc.record({ project }),
  fc.dictionary(name, fc.oneof(project, stream, fc.constant(7), fc.constant(null))),
  fc.constant(null),
  fc.constant('bench'),
);
const schemas = [ProjectParamsSchema, StreamParamsSchema, ObjectParamsSchema] as const;

describe('route parameters kept by their raw values', () => {
  it("given any parameters, parsed again and again by one RouteParams, then each answer is the schema's own parse of them", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...schemas), params), { minLength: 1, maxLength: 40 }), (requests) => {
        const routeParams = new RouteParams();
        for (const [schema, raw] of requests) {
          expect(verdict(() => routeParams.parse(schema as never, raw))).toEqual(verdict(() => parseInput(schema, raw, 'URL path')));
        }
      }),
    );
  });

  it('given the same valid parameters twice, then the second answer is the first, frozen (requests share it)', () => {
    const routeParams = new RouteParams();
    const first = routeParams.parse(StreamParamsSchema, { project: 'bench', stream: 'run-1' });
    expect(routeParams.parse(StreamParamsSchema, { project: 'bench', stream: 'run-1' })).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(routeParams.parse(StreamParamsSchema, { project: 'bench', stream: 'run-2' })).toEqual({ project: 'bench', stream: 'run-2' });
  });
});

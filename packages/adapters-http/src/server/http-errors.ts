import { DotscienceError, InvalidInputError, QueryParseError, UnknownLineageNodeError, AmbiguousLineageNodeError, WrongExpectedRevisionError } from '@dotscience/core';
import type { ErrorBody } from '../wire/wire-schemas.js';

/** A refusal the hub answers with a status and a JSON `{code, message}` body. */
export class HubRefusal extends DotscienceError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const unauthorized = (): HubRefusal =>
  new HubRefusal(401, 'UNAUTHORIZED', 'missing, unknown or revoked bearer token — send "Authorization: Bearer <token>" with a token from ds token create');
export const forbidden = (why: string): HubRefusal => new HubRefusal(403, 'FORBIDDEN', why);
export const notFound = (what: string): HubRefusal => new HubRefusal(404, 'NOT_FOUND', what);

/** How the hub answers an error: typed errors become 4xx with their code, anything else a 500 without internals. */
export function errorResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof HubRefusal) return { status: error.status, body: { code: error.code, message: error.message } };
  if (error instanceof WrongExpectedRevisionError) {
    return { status: 409, body: { code: error.code, message: error.message, stream: error.stream, expected: error.expected, actual: error.actual } };
  }
  if (error instanceof InvalidInputError) return { status: 400, body: { code: error.code, message: error.message, problems: [...error.problems] } };
  if (error instanceof UnknownLineageNodeError) return { status: 404, body: { code: error.code, message: error.message } };
  if (error instanceof QueryParseError) {
    return { status: 400, body: { code: error.code, message: error.message, at: { line: error.line, column: error.column, offset: error.offset, length: error.token.length } } };
  }
  if (error instanceof AmbiguousLineageNodeError) return { status: 400, body: { code: error.code, message: error.message } };
  if (error instanceof DotscienceError) return { status: 422, body: { code: error.code, message: error.message } };
  const framework = error as { statusCode?: number; code?: string; message?: string };
  if (typeof framework.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
    return { status: framework.statusCode, body: { code: framework.code ?? 'BAD_REQUEST', message: `request refused: ${framework.message ?? 'bad request'}` } };
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'the hub failed to answer this request; see the hub log' } };
}

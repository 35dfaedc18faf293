import type { Socket } from 'node:net';
import {
  AppendRefusedError,
  DotscienceError,
  DuplicateEventIdError,
  InvalidInputError,
  QueryParseError,
  RegistryError,
  UnknownLineageNodeError,
  AmbiguousLineageNodeError,
  WrongExpectedRevisionError,
} from '@dotscience/core';
import type { AppendRefusedBody } from '../wire/append-refused-body.js';
import type { DuplicateEventIdBody } from '../wire/duplicate-event-id-body.js';
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
export const noRoute = (method: string, url: string): HubRefusal => notFound(`no route ${method} ${url.split('?')[0]} — see GET /v1/openapi.json`);

const notFoundInRegistry = new Set<string>(['MODEL_UNKNOWN', 'MODEL_VERSION_UNKNOWN', 'MODEL_ALIAS_UNKNOWN']);

/** How the hub answers an error: typed errors become 4xx with their code, anything else a 500 without internals. */
export function errorResponse(error: unknown): { status: number; body: ErrorBody | DuplicateEventIdBody | AppendRefusedBody } {
  if (error instanceof HubRefusal) return { status: error.status, body: { code: error.code, message: error.message } };
  if (error instanceof WrongExpectedRevisionError) {
    return { status: 409, body: { code: error.code, message: error.message, stream: error.stream, expected: error.expected, actual: error.actual } };
  }
  if (error instanceof DuplicateEventIdError) {
    const { code, message, id, stream, index, existing } = error;
    return { status: 409, body: { code, message, id, stream, index, ...(existing === undefined ? {} : { existing }) } };
  }
  if (error instanceof AppendRefusedError) {
    const { code, message, stream, index, eventId: id, eventType: type, rule, reason } = error;
    return { status: 422, body: { code, message, stream, index, id, type, rule, reason } };
  }
  if (error instanceof InvalidInputError) return { status: 400, body: { code: error.code, message: error.message, problems: [...error.problems] } };
  if (error instanceof UnknownLineageNodeError) return { status: 404, body: { code: error.code, message: error.message } };
  // A model, version or alias the project does not hold is not found, like a run or a lineage node; a malformed reference stays a 422.
  if (error instanceof RegistryError && notFoundInRegistry.has(error.code)) return { status: 404, body: { code: error.code, message: error.message } };
  if (error instanceof QueryParseError) {
    return {
      status: 400,
      body: { code: error.code, message: error.message, at: { line: error.line, column: error.column, offset: error.offset, length: error.token.length } },
    };
  }
  if (error instanceof AmbiguousLineageNodeError) return { status: 400, body: { code: error.code, message: error.message } };
  if (error instanceof DotscienceError) return { status: 422, body: { code: error.code, message: error.message } };
  const framework = error as { statusCode?: number; code?: string; message?: string };
  if (typeof framework.statusCode === 'number' && framework.statusCode >= 400 && framework.statusCode < 500) {
    return { status: framework.statusCode, body: { code: framework.code ?? 'BAD_REQUEST', message: `request refused: ${framework.message ?? 'bad request'}` } };
  }
  return { status: 500, body: { code: 'INTERNAL', message: 'the hub failed to answer this request; see the hub log' } };
}

/**
 * A request the HTTP parser itself refuses (broken framing, a header line that is
 * not a header, headers over the limit) never reaches a route; answer it like any
 * other refusal — JSON `{code, message}` — and close the connection, whose framing
 * can no longer be trusted.
 */
export function answerMalformedRequest(error: Error & { code?: string }, socket: Socket): void {
  // A connection that timed out without sending a byte (an idle one held open) asked nothing: it is closed unanswered.
  const silent = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' && socket.bytesRead === 0;
  if (socket.writable && socket.bytesWritten === 0 && !silent) {
    const [status, code, message] = refusalOfMalformed(error.code);
    const body = JSON.stringify({ code, message });
    socket.write(
      `HTTP/1.1 ${status}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

function refusalOfMalformed(errorCode: string | undefined): [status: string, code: string, message: string] {
  if (errorCode === 'HPE_HEADER_OVERFLOW')
    return [
      '431 Request Header Fields Too Large',
      'HEADERS_TOO_LARGE',
      'request headers are larger than the hub accepts (16 KiB) — send a shorter token or fewer headers',
    ];
  // node:http's headers and request timeouts (see connection-limits.ts).
  if (errorCode === 'ERR_HTTP_REQUEST_TIMEOUT')
    return [
      '408 Request Timeout',
      'REQUEST_TIMEOUT',
      "the request did not arrive whole within the hub's time limit — send it without pausing, or split a large upload",
    ];
  return ['400 Bad Request', 'MALFORMED_REQUEST', `the HTTP request could not be parsed (${errorCode ?? 'malformed'}) — send a well-formed HTTP/1.1 request`];
}

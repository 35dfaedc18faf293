import { DotscienceError, InvalidInputError, parseInput, WrongExpectedRevisionError } from '@dotscience/core';
import { z } from 'zod';
import { hubPaths } from '../wire/hub-routes.js';
import { ErrorBodySchema, WhoAmIResponseSchema, type ErrorBody } from '../wire/wire-schemas.js';

export const HubClientOptionsSchema = z.object({
  /** The hub's base URL, e.g. http://hub.example.com:8080. */
  url: z.url({ message: 'must be the hub URL, e.g. http://127.0.0.1:8080' }),
  token: z.string().min(1, 'must be a hub token (ds token create)'),
  /** The project the token is scoped to; asked from the hub when absent. */
  project: z.string().optional(),
  /** Attempts of a request that met a network error or a 502/503/504 (default 6). */
  attempts: z.number().int().positive().optional(),
});
export type HubClientOptions = z.infer<typeof HubClientOptionsSchema>;

/** The hub refused a request (or answered with an error the client has no own type for). */
export class HubRequestError extends DotscienceError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class HubUnreachableError extends DotscienceError {
  readonly code = 'HUB_UNREACHABLE';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`cannot reach the hub at ${url}: ${reason} — check the URL (DOTSCIENCE_HUB) and that ds serve is running`);
  }
}

export class HubClientClosedError extends DotscienceError {
  readonly code = 'HUB_CLIENT_CLOSED';
  constructor() {
    super('this hub client was closed — open a new one');
  }
}

const RETRY_STATUS = new Set([502, 503, 504]);
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface HubRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  /** A JSON body, or a factory of a streamed body (called once per attempt). */
  json?: unknown;
  stream?: () => AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;
  signal?: AbortSignal;
}

/**
 * One hub, one token: requests with the bearer token over keep-alive
 * connections (Node's fetch pools them), retried on network errors and
 * 502/503/504 — safe because every write is idempotent (appends carry event
 * ids and expected revisions, objects are named by their digest). Error
 * bodies become the core's typed errors where one exists.
 */
export class HubConnection {
  readonly url: string;
  private readonly token: string;
  private readonly attempts: number;
  private projectId: Promise<string> | undefined;
  private closed = false;

  constructor(options: HubClientOptions) {
    const parsed = parseInput(HubClientOptionsSchema, options, 'hub client options');
    this.url = parsed.url.replace(/\/+$/, '');
    this.token = parsed.token;
    this.attempts = parsed.attempts ?? 6;
    if (parsed.project !== undefined) this.projectId = Promise.resolve(parsed.project);
  }

  /** The project the token is scoped to. */
  project(): Promise<string> {
    this.projectId ??= this.json({ method: 'GET', path: hubPaths.whoami() }, WhoAmIResponseSchema).then(
      (who) => who.project,
      (error: unknown) => {
        this.projectId = undefined;
        throw error;
      },
    );
    return this.projectId;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
  }

  /** A request whose JSON answer is parsed with `schema`. */
  async json<S extends z.ZodType>(request: HubRequest, schema: S): Promise<z.output<S>> {
    const response = await this.send(request);
    return parseInput(schema, await response.json(), `hub answer to ${request.method} ${request.path}`);
  }

  /** A request whose answer is OK (2xx), else a typed error; 404 answers `undefined` when `allowNotFound`. */
  async send(request: HubRequest, allowNotFound?: false): Promise<Response>;
  async send(request: HubRequest, allowNotFound: true): Promise<Response | undefined>;
  async send(request: HubRequest, allowNotFound = false): Promise<Response | undefined> {
    const url = new URL(this.url + request.path);
    for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new HubClientClosedError();
      // Only long-lived requests (subscriptions) carry a signal: a shared one would collect a listener per request.
      const signal = request.signal;
      let response: Response;
      try {
        response = await fetch(url, {
          method: request.method,
          headers: {
            authorization: `Bearer ${this.token}`,
            ...(request.json !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(request.stream ? { 'content-type': 'application/octet-stream' } : {}),
          },
          ...(request.json !== undefined ? { body: JSON.stringify(request.json) } : {}),
          ...(request.stream ? { body: toBody(request.stream()), duplex: 'half' } : {}),
          ...(signal ? { signal } : {}),
        } as RequestInit);
      } catch (error) {
        if (this.closed) throw new HubClientClosedError();
        if (request.signal?.aborted) throw error;
        if (attempt >= this.attempts) throw new HubUnreachableError(this.url, causeOf(error));
        await delay(Math.min(2000, 25 * 2 ** attempt));
        continue;
      }
      if (response.ok) return response;
      if (response.status === 404 && allowNotFound) {
        await response.body?.cancel();
        return undefined;
      }
      if (RETRY_STATUS.has(response.status) && attempt < this.attempts) {
        await response.body?.cancel();
        await delay(Math.min(2000, 25 * 2 ** attempt));
        continue;
      }
      throw await errorFrom(response, `${request.method} ${request.path}`);
    }
  }
}

function toBody(source: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  if (source instanceof ReadableStream) return source;
  const iterator = source[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

async function errorFrom(response: Response, what: string): Promise<Error> {
  let body: ErrorBody | undefined;
  try {
    body = ErrorBodySchema.parse(await response.json());
  } catch {
    body = undefined;
  }
  if (!body) return new HubRequestError(response.status, 'HUB_ERROR', `the hub answered ${what} with status ${response.status}`);
  if (body.code === 'WRONG_EXPECTED_REVISION' && body.stream !== undefined && body.expected !== undefined && body.actual !== undefined) {
    return new WrongExpectedRevisionError(body.stream, body.expected, body.actual);
  }
  if (body.code === 'INVALID_INPUT' && body.problems) return new InvalidInputError(`request to the hub (${what})`, body.problems);
  return new HubRequestError(response.status, body.code, `the hub refused ${what}: ${body.message}`);
}

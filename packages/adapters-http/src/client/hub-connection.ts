import { AppendRefusedError, DotscienceError, DuplicateEventIdError, InvalidInputError, parseInput, WrongExpectedRevisionError } from '@dotscience/core';
import { z } from 'zod';
import { hubPaths } from '../wire/hub-routes.js';
import { AppendRefusedBodySchema } from '../wire/append-refused-body.js';
import { DuplicateEventIdBodySchema } from '../wire/duplicate-event-id-body.js';
import { ErrorBodySchema, WhoAmIResponseSchema, type ErrorBody } from '../wire/wire-schemas.js';
import { KeepAliveJsonClient, type JsonAnswer } from './keep-alive-json.js';

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
  /** A JSON body already written as text (JSON requests only; instead of `json`). */
  body?: string;
  stream?: () => AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>;
  signal?: AbortSignal;
}

/**
 * One hub, one token: requests with the bearer token over keep-alive
 * connections (JSON requests on a node:http pool, streamed bodies through
 * fetch, which pools its own), retried on network errors and
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
  private readonly jsonClient: KeepAliveJsonClient;

  constructor(options: HubClientOptions) {
    const parsed = parseInput(HubClientOptionsSchema, options, 'hub client options');
    this.url = parsed.url.replace(/\/+$/, '');
    this.token = parsed.token;
    this.attempts = parsed.attempts ?? 6;
    this.jsonClient = new KeepAliveJsonClient(new URL(this.url));
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
    this.jsonClient.close();
  }

  /** A request whose JSON answer is parsed with `schema`. */
  async json<S extends z.ZodType>(request: HubRequest, schema: S): Promise<z.output<S>> {
    return parseInput(schema, await this.jsonAnswer(request), `hub answer to ${request.method} ${request.path}`);
  }

  /**
   * A JSON request (no streamed body) over the keep-alive node:http pool: the
   * answer's parsed JSON when the status is 2xx, else the same typed errors and
   * retries as `send`. The caller parses the answer.
   */
  async jsonAnswer(request: Omit<HubRequest, 'stream'>): Promise<unknown> {
    const path = this.pathOf(request);
    const headers = { authorization: `Bearer ${this.token}` };
    const json = request.body ?? (request.json === undefined ? undefined : JSON.stringify(request.json));
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new HubClientClosedError();
      let answer: JsonAnswer;
      try {
        answer = await this.jsonClient.exchange(request.method, path, headers, json, request.signal);
      } catch (error) {
        await this.afterNetworkError(request, error, attempt);
        continue;
      }
      if (answer.status >= 200 && answer.status < 300) return answer.body;
      if (RETRY_STATUS.has(answer.status) && attempt < this.attempts) {
        await delay(backoff(attempt));
        continue;
      }
      throw errorFromAnswer(answer.status, answer.body, `${request.method} ${request.path}`);
    }
  }

  /** A request whose answer is OK (2xx), else a typed error; 404 answers `undefined` when `allowNotFound`. */
  async send(request: HubRequest, allowNotFound?: false): Promise<Response>;
  async send(request: HubRequest, allowNotFound: true): Promise<Response | undefined>;
  async send(request: HubRequest, allowNotFound = false): Promise<Response | undefined> {
    const url = this.urlOf(request);
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
        await this.afterNetworkError(request, error, attempt);
        continue;
      }
      if (response.ok) return response;
      if (response.status === 404 && allowNotFound) {
        await response.body?.cancel();
        return undefined;
      }
      if (RETRY_STATUS.has(response.status) && attempt < this.attempts) {
        await response.body?.cancel();
        await delay(backoff(attempt));
        continue;
      }
      throw await errorFrom(response, `${request.method} ${request.path}`);
    }
  }

  private urlOf(request: Pick<HubRequest, 'path' | 'query'>): URL {
    return new URL(this.url + this.pathOf(request));
  }

  /** The request's path with its query string. */
  private pathOf(request: Pick<HubRequest, 'path' | 'query'>): string {
    if (request.query === undefined) return request.path;
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(request.query)) if (v !== undefined) query.set(k, String(v));
    const text = query.toString();
    return text ? `${request.path}?${text}` : request.path;
  }

  /** A request failed without an answer: rethrow when it must not be retried, else wait before the next attempt. */
  private async afterNetworkError(request: Pick<HubRequest, 'signal'>, error: unknown, attempt: number): Promise<void> {
    if (this.closed) throw new HubClientClosedError();
    if (request.signal?.aborted) throw error;
    if (attempt >= this.attempts) throw new HubUnreachableError(this.url, causeOf(error));
    await delay(backoff(attempt));
  }
}

const backoff = (attempt: number): number => Math.min(2000, 25 * 2 ** attempt);

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
  return errorFromAnswer(response.status, await response.json().catch(() => undefined), what);
}

/** The typed error for an error status and its JSON body. */
function errorFromAnswer(status: number, answer: unknown, what: string): Error {
  const parsed = ErrorBodySchema.safeParse(answer);
  const body: ErrorBody | undefined = parsed.success ? parsed.data : undefined;
  if (!body) return new HubRequestError(status, 'HUB_ERROR', `the hub answered ${what} with status ${status}`);
  if (body.code === 'WRONG_EXPECTED_REVISION' && body.stream !== undefined && body.expected !== undefined && body.actual !== undefined) {
    return new WrongExpectedRevisionError(body.stream, body.expected, body.actual);
  }
  if (body.code === 'DUPLICATE_EVENT_ID') {
    const duplicate = DuplicateEventIdBodySchema.safeParse(answer);
    if (duplicate.success) return new DuplicateEventIdError(duplicate.data.id, duplicate.data.stream, duplicate.data.index, duplicate.data.existing);
  }
  if (body.code === 'APPEND_REFUSED') {
    const refused = AppendRefusedBodySchema.safeParse(answer);
    if (refused.success)
      return new AppendRefusedError(refused.data.stream, refused.data.index, refused.data.id, refused.data.type, refused.data.rule, refused.data.reason);
  }
  if (body.code === 'INVALID_INPUT' && body.problems) return new InvalidInputError(`request to the hub (${what})`, body.problems);
  return new HubRequestError(status, body.code, `the hub refused ${what}: ${body.message}`);
}

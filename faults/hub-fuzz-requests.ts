import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { AppendBodySchema, CreateTokenBodySchema, MissingObjectsBodySchema, hubPaths } from '@dotscience/adapters-http';
import type { RawRequest } from './http-fuzz-exchange.js';

/**
 * Generated hostile requests for the hub's write endpoints: malformed bodies (each checked
 * against the wire schema, so only bodies that must be refused are sent) and hostile headers
 * on otherwise valid requests (bad Authorization, Content-Type, Content-Length framing, huge
 * or malformed header lines). A request the hub wrongly accepted would write: the fuzz
 * compares the hub's whole directory before and after.
 */

/** What the fuzz knows of the hub it attacks. */
export interface HubUnderFuzz {
  project: string;
  /** Tokens: `admin` of the project, `read` of the project, `otherProject` (admin elsewhere), `revoked` (was admin here). */
  tokens: { admin: string; read: string; otherProject: string; revoked: string };
  /** A live token of the project that the revoke endpoint is aimed at. */
  victimTokenId: string;
  /** An object the hub does not hold, and its sha256 hex. */
  object: { bytes: Buffer; hex: string };
}

export type JsonEndpoint = 'append' | 'missing objects' | 'create token';
export type WriteEndpoint = JsonEndpoint | 'upload object' | 'revoke token';

/** What a generated request must get back. */
export type Expectation =
  /** A 4xx whose JSON body has `code` and `message`; when `fields` is set, the message names one of them. */
  | { answer: 'json-4xx'; status?: readonly number[]; fields?: string[] }
  /** A malformed message (framing, header syntax): refused by the HTTP parser — a 4xx, or the connection closed unanswered. */
  | { answer: 'refused-framing' };

export interface HubFuzzCase {
  endpoint: WriteEndpoint;
  /** Kind of hostility, for the figures: 'body: not JSON', 'header: Authorization', … */
  kind: string;
  request: RawRequest;
  expect: Expectation;
}

const JSON_SCHEMAS: Record<JsonEndpoint, { safeParse(v: unknown): { success: boolean; error?: { issues: Array<{ path: PropertyKey[] }> } } }> = {
  append: AppendBodySchema,
  'missing objects': MissingObjectsBodySchema,
  'create token': CreateTokenBodySchema,
};

const validEvent = (): Record<string, unknown> => ({ id: randomUUID(), type: 'Probe', schemaVersion: 1, data: { n: 1 }, meta: {} });

function validJsonBody(endpoint: JsonEndpoint, hub: HubUnderFuzz): Record<string, unknown> {
  if (endpoint === 'append') return { events: [validEvent()], expectedRevision: 'any' };
  if (endpoint === 'missing objects') return { digests: [`sha256:${hub.object.hex}`] };
  return { role: 'read', label: 'fuzz' };
}

/** The valid request of an endpoint, as method, path, headers and body (headers without Authorization). */
export function validRequest(endpoint: WriteEndpoint, hub: HubUnderFuzz): { method: string; path: string; contentType?: string; body: Buffer } {
  const p = hub.project;
  switch (endpoint) {
    case 'append':
      return {
        method: 'POST',
        path: hubPaths.stream(p, 'run-fuzz'),
        contentType: 'application/json',
        body: Buffer.from(JSON.stringify(validJsonBody(endpoint, hub))),
      };
    case 'missing objects':
      return {
        method: 'POST',
        path: hubPaths.missingObjects(p),
        contentType: 'application/json',
        body: Buffer.from(JSON.stringify(validJsonBody(endpoint, hub))),
      };
    case 'create token':
      return { method: 'POST', path: hubPaths.tokens(p), contentType: 'application/json', body: Buffer.from(JSON.stringify(validJsonBody(endpoint, hub))) };
    case 'upload object':
      return { method: 'PUT', path: hubPaths.object(p, hub.object.hex), contentType: 'application/octet-stream', body: hub.object.bytes };
    case 'revoke token':
      return { method: 'DELETE', path: hubPaths.token(p, hub.victimTokenId), body: Buffer.alloc(0) };
  }
}

const bearer = (token: string): string => `Authorization: Bearer ${token}`;
const contentLength = (body: Uint8Array): string => `Content-Length: ${body.length}`;

function request(endpoint: WriteEndpoint, hub: HubUnderFuzz, body?: Buffer): RawRequest {
  const valid = validRequest(endpoint, hub);
  const bytes = body ?? valid.body;
  const headers = [bearer(hub.tokens.admin), ...(valid.contentType ? [`Content-Type: ${valid.contentType}`] : []), contentLength(bytes)];
  return { method: valid.method, path: valid.path, headers, body: bytes };
}

// ---- malformed bodies ----

/** Field paths the schema rejects in `value` ('' = the body as a whole). */
function rejectedFields(endpoint: JsonEndpoint, value: unknown): string[] | undefined {
  const verdict = JSON_SCHEMAS[endpoint].safeParse(value);
  return verdict.success ? undefined : (verdict.error?.issues ?? []).map((i) => i.path.map(String).join('.'));
}

const deepNesting = fc
  .integer({ min: 1_000, max: 200_000 })
  .chain((depth) => fc.constantFrom('['.repeat(depth), '{"a":'.repeat(depth), `${'['.repeat(depth)}${']'.repeat(depth)}`));
const notJsonText = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '{',
    '{"events": [',
    '[1,2',
    'nul',
    'NaN',
    '{"role": "read",}',
    "{'role': 'read'}",
    '\u0000',
    ' ',
    '{"role": "read"} trailing',
    '1e999999',
    `"${'x'.repeat(5000)}`,
  ),
  deepNesting,
);
const hostileJson = fc.constantFrom(
  '{"__proto__": {"role": "admin"}, "role": "read"}',
  '{"constructor": {"prototype": {"isAdmin": true}}}',
  '{"role": "read", "role": "root"}',
  '{"events": [], "events": 5}',
  '{"digests": ["sha256:' + '0'.repeat(64) + '"], "digests": "all"}',
  `{"events": [${'1'.repeat(400)}]}`,
  '{"expectedRevision": -1, "events": []}',
  '{"expectedRevision": 1e400, "events": []}',
  '[]',
  'null',
  '"a string"',
  '12',
);

/** A valid body with one field replaced by any JSON value, removed, or an unknown key added. */
function mutatedJsonBody(endpoint: JsonEndpoint, hub: HubUnderFuzz): fc.Arbitrary<string> {
  const fields: Record<JsonEndpoint, string[]> = {
    append: [
      'events',
      'expectedRevision',
      'events.0.id',
      'events.0.type',
      'events.0.schemaVersion',
      'events.0.data',
      'events.0.meta',
      'extra',
      'events.0.extra',
    ],
    'missing objects': ['digests', 'digests.0', 'extra'],
    'create token': ['role', 'label', 'extra'],
  };
  return fc.tuple(fc.constantFrom(...fields[endpoint]), fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(undefined))).map(([path, value]) => {
    const body = validJsonBody(endpoint, hub);
    const keys = path.split('.');
    let holder: Record<string, unknown> = body;
    for (const key of keys.slice(0, -1)) holder = holder[key] as Record<string, unknown>;
    const last = keys.at(-1)!;
    if (value === undefined) delete holder[last];
    else holder[last] = value;
    return JSON.stringify(body);
  });
}

/** A malformed JSON body for a JSON endpoint: never one the wire schema accepts. */
export function malformedJsonBodyCase(hub: HubUnderFuzz): fc.Arbitrary<HubFuzzCase> {
  return (
    fc
      .constantFrom<JsonEndpoint>('append', 'missing objects', 'create token')
      .chain((endpoint) =>
        fc
          .oneof(
            { arbitrary: mutatedJsonBody(endpoint, hub).map((text) => ({ kind: 'body: one field wrong', text })), weight: 4 },
            { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => ({ kind: 'body: other JSON', text: JSON.stringify(v) })), weight: 2 },
            { arbitrary: notJsonText.map((text) => ({ kind: 'body: not JSON', text })), weight: 2 },
            { arbitrary: hostileJson.map((text) => ({ kind: 'body: hostile JSON', text })), weight: 1 },
          )
          .map(({ kind, text }) => ({ endpoint, kind, text })),
      )
      .map(({ endpoint, kind, text }) => {
        let value: unknown;
        let parses = true;
        try {
          value = JSON.parse(text);
        } catch {
          parses = false;
        }
        const fields = parses ? rejectedFields(endpoint, value) : undefined;
        return { endpoint, kind, text, parses, fields };
      })
      // fastify refuses prototype-poisoning keys before the schema sees the body, so such a refusal names no field.
      .map((c) => ({ ...c, poisoned: /"(__proto__|constructor)"/.test(c.text) }))
      .filter(({ parses, fields, text }) => !parses || fields !== undefined || text.includes('"__proto__"'))
      .map(({ endpoint, kind, text, fields, poisoned }): HubFuzzCase => ({
        endpoint,
        kind,
        request: request(endpoint, hub, Buffer.from(text)),
        expect: { answer: 'json-4xx', ...(fields && fields.length > 0 && !poisoned ? { fields } : {}) },
      }))
  );
}

/** Bytes sent as an object that do not hash to the name they are sent under. */
export function mismatchedObjectCase(hub: HubUnderFuzz): fc.Arbitrary<HubFuzzCase> {
  return fc
    .oneof(
      fc.uint8Array({ maxLength: 4096 }).map((b) => Buffer.from(b)),
      fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })).map(([at, mask]) => {
        const b = Buffer.from(hub.object.bytes);
        const i = at % b.length;
        b[i] = b[i]! ^ mask;
        return b;
      }),
      fc.nat(hub.object.bytes.length - 1).map((n) => hub.object.bytes.subarray(0, n)),
    )
    .filter((b) => !b.equals(hub.object.bytes))
    .map((body) => ({
      endpoint: 'upload object' as const,
      kind: 'body: object bytes not matching its name',
      request: request('upload object', hub, body),
      expect: { answer: 'json-4xx' as const },
    }));
}

/** Token ids in the revoke path that are not 16 hex digits. */
export function malformedTokenIdCase(hub: HubUnderFuzz): fc.Arbitrary<HubFuzzCase> {
  return fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 40 }),
      fc.constantFrom('..', '%2e%2e', `${hub.victimTokenId}0`, hub.victimTokenId.toUpperCase(), hub.victimTokenId.slice(1), '0'.repeat(15)),
    )
    .filter((id) => !/^[0-9a-f]{16}$/.test(id) && id !== '.' && id !== '..')
    .map((id) => ({
      endpoint: 'revoke token' as const,
      kind: 'path: token id not 16 hex digits',
      request: { ...request('revoke token', hub), path: hubPaths.token(hub.project, id) },
      expect: { answer: 'json-4xx' as const, status: [400, 404] },
    }));
}

// ---- hostile headers on valid requests ----

const headerEndpoints: WriteEndpoint[] = ['append', 'upload object', 'create token', 'revoke token'];
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** An Authorization header that must not let the request in (401 or 403). */
function badAuthorization(hub: HubUnderFuzz): fc.Arbitrary<string[]> {
  const admin = hub.tokens.admin;
  const changedChar = fc.tuple(fc.nat(admin.length - 1), fc.constantFrom(...TOKEN_ALPHABET)).map(([at, c]) => {
    const i = 4 + (at % (admin.length - 4)); // after "dst_"
    return admin[i] === c ? `${admin.slice(0, i)}${c === 'A' ? 'B' : 'A'}${admin.slice(i + 1)}` : `${admin.slice(0, i)}${c}${admin.slice(i + 1)}`;
  });
  return fc.oneof(
    fc.constant<string[]>([]),
    fc.constantFrom('Basic', 'Token', 'Bearer:', 'Digest', 'bearer=', '').map((scheme) => [`Authorization: ${scheme} ${admin}`]),
    fc
      .constantFrom('Bearer', 'Bearer ', `Bearer ${admin} extra`, `Bearer ${admin},${admin}`, `${admin}`, `Bearer "${admin}"`)
      .map((v) => [`Authorization: ${v}`]),
    changedChar.map((t) => [bearer(t)]),
    fc.nat(admin.length - 1).map((n) => [bearer(admin.slice(0, n))]),
    fc.constantFrom(...TOKEN_ALPHABET).map((c) => [bearer(`${admin}${c}`)]),
    fc
      .stringMatching(/^[!-~]{1,80}$/)
      .filter((s) => s !== admin)
      .map((s) => [`Authorization: Bearer ${s}`]),
    fc.constantFrom(hub.tokens.read, hub.tokens.otherProject, hub.tokens.revoked).map((t) => [bearer(t)]),
    fc.constant<string[]>([bearer('dst_0000000000000000_bad'), bearer('also-bad')]),
    fc.constant<string[]>([`Authorization: Bearer ${admin.slice(0, -1)}\u00e9`]),
    fc.integer({ min: 1_000, max: 8_000 }).map((n) => [bearer('x'.repeat(n))]),
  );
}

/** A Content-Type under which the (otherwise valid) body must be refused. */
function badContentType(endpoint: WriteEndpoint): fc.Arbitrary<{ headers: string[]; body?: (body: Buffer) => Buffer }> {
  const wrong =
    endpoint === 'upload object'
      ? ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'image/png']
      : [
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
          'application/vnd.api+json',
          'application/octet-stream',
          'application/jsonx',
          'json',
        ];
  const utf16: Array<{ headers: string[]; body: (b: Buffer) => Buffer }> =
    endpoint === 'upload object'
      ? []
      : [{ headers: ['Content-Type: application/json; charset=utf-16le'], body: (b) => Buffer.from(b.toString('utf8'), 'utf16le') }];
  return fc.oneof(
    fc.constant<{ headers: string[] }>({ headers: [] }),
    fc.constantFrom(...wrong).map((t) => ({ headers: [`Content-Type: ${t}`] })),
    ...(utf16.length ? [fc.constantFrom(...utf16)] : []),
  );
}

type Framing = {
  headers: (valid: { contentType?: string; body: Buffer }) => string[];
  body?: (body: Buffer) => Buffer;
  halfClose?: boolean;
  lineEnd?: string;
  label: string;
};

/** Broken framing or header syntax: the HTTP parser must refuse the message. */
function badFraming(endpoint: WriteEndpoint): fc.Arbitrary<Framing> {
  const ct = (v: { contentType?: string }): string[] => (v.contentType ? [`Content-Type: ${v.contentType}`] : []);
  const withBody = endpoint !== 'revoke token';
  const options: Array<fc.Arbitrary<Framing>> = [
    fc.integer({ min: 1, max: 1_000 }).map((extra) => ({
      label: 'Content-Length larger than the body',
      headers: (v) => [...ct(v), `Content-Length: ${v.body.length + extra}`],
      halfClose: true,
    })),
    fc
      .constantFrom('12x', '-1', '0x10', '1e2', '+5', 'abc', '18446744073709551616')
      .map((n) => ({ label: 'Content-Length not a number', headers: (v) => [...ct(v), `Content-Length: ${n}`] })),
    fc
      .integer({ min: 1, max: 50 })
      .map((d) => ({ label: 'two different Content-Lengths', headers: (v) => [...ct(v), contentLength(v.body), `Content-Length: ${v.body.length + d}`] })),
    fc.constant({ label: 'Content-Length with Transfer-Encoding: chunked', headers: (v) => [...ct(v), contentLength(v.body), 'Transfer-Encoding: chunked'] }),
    fc.constantFrom('zz', '-1', '1;', 'ffffffffffffffffff').map((size) => ({
      label: 'chunked body with a bad chunk size',
      headers: (v) => [...ct(v), 'Transfer-Encoding: chunked'],
      body: (b) => Buffer.concat([Buffer.from(`${size}\r\n`), b, Buffer.from('\r\n0\r\n\r\n')]),
    })),
    fc
      .integer({ min: 16 * 1024 + 1, max: 200_000 })
      .chain((n) =>
        fc.constantFrom<Framing>(
          { label: 'headers over 16 KiB', headers: (v) => [...ct(v), contentLength(v.body), `X-Padding: ${'p'.repeat(n)}`] },
          { label: 'headers over 16 KiB', headers: (v) => [...ct(v), contentLength(v.body), `Authorization: Bearer ${'t'.repeat(n)}`] },
        ),
      ),
    fc.constantFrom('X Bad: 1', ': no-name', 'X-Nul: a\u0000b', 'X-Cr: a\rb', 'NoColonAtAll', ' folded-continuation', 'X-Ctl: \u0001').map((line) => ({
      label: 'malformed header line',
      headers: (v) => [...ct(v), contentLength(v.body), line],
    })),
    fc.constant({ label: 'bare LF line endings', headers: (v) => [...ct(v), contentLength(v.body)], lineEnd: '\n' }),
  ];
  if (withBody) {
    options.push(
      fc.integer({ min: 1, max: 64 }).map((short) => ({
        label: 'Content-Length shorter than the body',
        headers: (v) => [...ct(v), `Content-Length: ${Math.max(1, v.body.length - short)}`],
      })),
    );
  }
  return fc.oneof(...options);
}

/** A valid request to a write endpoint with one hostile header aspect. */
export function hostileHeaderCase(hub: HubUnderFuzz): fc.Arbitrary<HubFuzzCase> {
  return fc.constantFrom(...headerEndpoints).chain((endpoint) => {
    const valid = validRequest(endpoint, hub);
    const auth = badAuthorization(hub).map((authHeaders): HubFuzzCase => ({
      endpoint,
      kind: 'header: Authorization',
      request: {
        method: valid.method,
        path: valid.path,
        headers: [...authHeaders, ...(valid.contentType ? [`Content-Type: ${valid.contentType}`] : []), contentLength(valid.body)],
        body: valid.body,
      },
      expect: { answer: 'json-4xx', status: [401, 403] },
    }));
    const framing = badFraming(endpoint).map((f): HubFuzzCase => {
      const body = f.body ? f.body(valid.body) : valid.body;
      return {
        endpoint,
        kind: `framing: ${f.label}`,
        request: {
          method: valid.method,
          path: valid.path,
          headers: [bearer(hub.tokens.admin), ...f.headers({ ...valid, body })],
          body,
          halfClose: f.halfClose ?? false,
          ...(f.lineEnd ? { lineEnd: f.lineEnd } : {}),
        },
        expect: { answer: 'refused-framing' },
      };
    });
    if (endpoint === 'revoke token') return fc.oneof(auth, framing);
    const contentType = badContentType(endpoint).map(({ headers, body: encode }): HubFuzzCase => {
      const body = encode ? encode(valid.body) : valid.body;
      return {
        endpoint,
        kind: 'header: Content-Type',
        request: { method: valid.method, path: valid.path, headers: [bearer(hub.tokens.admin), ...headers, contentLength(body)], body },
        expect: { answer: 'json-4xx' },
      };
    });
    return fc.oneof(auth, contentType, framing);
  });
}

/** An otherwise valid JSON body with text that is not UTF-8 (Latin-1 bytes) inside a string, declared as UTF-8 or Latin-1. */
export function latin1BodyCase(hub: HubUnderFuzz): fc.Arbitrary<HubFuzzCase> {
  return fc
    .tuple(
      fc.constantFrom<JsonEndpoint>('append', 'create token'),
      fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json; charset=iso-8859-1'),
      fc.string({ unit: 'binary-ascii', maxLength: 8 }).map((s) => `${s}caf\u00e9`),
    )
    .map(([endpoint, contentType, text]) => {
      const body = validJsonBody(endpoint, hub);
      if (endpoint === 'append') (body.events as Array<Record<string, unknown>>)[0]!.data = { name: text };
      else body.label = text;
      const latin1 = Buffer.from(JSON.stringify(body), 'latin1');
      const valid = validRequest(endpoint, hub);
      return {
        endpoint,
        kind: 'body: Latin-1 text (not UTF-8)',
        request: {
          method: valid.method,
          path: valid.path,
          headers: [bearer(hub.tokens.admin), `Content-Type: ${contentType}`, contentLength(latin1)],
          body: latin1,
        },
        expect: { answer: 'json-4xx' as const },
      };
    });
}

/** The same raw request, valid: the harness's control that an accepted request does change the store. */
export function validRawRequest(endpoint: WriteEndpoint, hub: HubUnderFuzz): RawRequest {
  return request(endpoint, hub);
}

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsDataStore, FsEventStore } from '@dotscience/adapters-fs';
import { HubServer, ProjectDirectories, TokenRegistry } from '@dotscience/adapters-http';
import { SCALE } from './campaign-scale.js';
import { recordFigures } from './campaign-figures.js';
import { directoryDigest } from './directory-digest.js';
import { exchange, type RawAnswer } from './http-fuzz-exchange.js';
import {
  hostileHeaderCase,
  latin1BodyCase,
  malformedJsonBodyCase,
  malformedTokenIdCase,
  mismatchedObjectCase,
  validRawRequest,
  type HubFuzzCase,
  type HubUnderFuzz,
} from './hub-fuzz-requests.js';

const RUNS = SCALE.fuzzRuns;
const rows: Array<[string, string | number]> = [];
afterAll(() =>
  recordFigures({
    id: '5-malformed-input-http',
    title: 'Malformed input over HTTP (fast-check, a real hub on 127.0.0.1 over the fs stores)',
    rows,
    notes: [
      'Each request is written byte for byte on a raw socket (fetch would not send a wrong Content-Length or a bad header line), with an admin token unless the case is about the token.',
      'Bodies are sent to the write endpoints (append, missing objects, create token, object upload, token revoke); a body counts only if the wire schema refuses it (or it is not JSON). "naming the field" = the error message names a field path the schema rejects.',
      'Header cases are otherwise VALID requests to the write endpoints with one hostile aspect, so a header the hub wrongly accepted would write. Framing and header-syntax errors are refused by the HTTP parser itself (a 4xx or a closed connection); everything else must be a 4xx JSON {code, message}.',
      "The hub's whole directory (event logs, objects, tokens.json) is hashed before and after each boundary; afterwards one valid request of the same raw client is accepted and changes the digest (the control).",
    ],
  }),
);

/** Outcome counts per kind of case (over every endpoint it was aimed at), for the figures. */
class Tally {
  private readonly byKind = new Map<string, { cases: number; endpoints: Set<string>; statuses: Map<number, number>; named: number }>();
  add(c: HubFuzzCase, answer: RawAnswer, named: boolean): void {
    const entry = this.byKind.get(c.kind) ?? { cases: 0, endpoints: new Set<string>(), statuses: new Map<number, number>(), named: 0 };
    entry.cases++;
    entry.endpoints.add(c.endpoint);
    entry.statuses.set(answer.status, (entry.statuses.get(answer.status) ?? 0) + 1);
    if (named) entry.named++;
    this.byKind.set(c.kind, entry);
  }
  rows(unchanged: boolean): Array<[string, string]> {
    return [...this.byKind.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, e]) => {
        const statuses = [...e.statuses.entries()]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s === 0 ? 'closed unanswered' : s} ×${n}`)
          .join(', ');
        const named = e.named ? ` (${e.named} naming the field)` : '';
        return [`${kind} → ${[...e.endpoints].sort().join(', ')}`, `${e.cases} cases: ${statuses}${named}, store ${unchanged ? 'byte-identical' : 'CHANGED'}`];
      });
  }
}

function namesAField(message: string, fields: readonly string[]): boolean {
  return fields.some((field) => {
    if (field === '') return message.includes('(root)');
    // Segments in order (the hub writes "events.0: schemaVersion: …" for the path events.0.schemaVersion).
    let at = 0;
    for (const segment of field.split('.')) {
      const found = message.indexOf(segment, at);
      if (found < 0) return false;
      at = found + segment.length;
    }
    return true;
  });
}

/** Check one answer against what the case must get; returns whether the message named a field. */
function checkAnswer(c: HubFuzzCase, answer: RawAnswer): boolean {
  const label = `${c.endpoint} / ${c.kind}: ${answer.status} ${answer.body.slice(0, 200)}`;
  if (c.expect.answer === 'refused-framing') {
    if (answer.status !== 0) {
      expect(answer.status, label).toBeGreaterThanOrEqual(400);
      expect(answer.status, label).toBeLessThan(500);
      // The hub answers what its HTTP parser refuses like any other refusal.
      const body = JSON.parse(answer.body) as { code?: unknown; message?: unknown };
      expect(typeof body.code, label).toBe('string');
      expect(typeof body.message, label).toBe('string');
    }
    return false;
  }
  expect(answer.status, label).toBeGreaterThanOrEqual(400);
  expect(answer.status, label).toBeLessThan(500);
  if (c.expect.status) expect(c.expect.status, label).toContain(answer.status);
  const body = JSON.parse(answer.body) as { code?: unknown; message?: unknown };
  expect(typeof body.code, label).toBe('string');
  expect(typeof body.message, label).toBe('string');
  if (!c.expect.fields) return false;
  expect(body.code, label).toBe('INVALID_INPUT');
  const named = namesAField(body.message as string, c.expect.fields);
  expect(named, `${label} — should name one of ${c.expect.fields.join(', ')}`).toBe(true);
  return named;
}

describe('hub over HTTP: malformed bodies and hostile headers', () => {
  let root: string;
  let server: HubServer;
  let port: number;
  let hub: HubUnderFuzz;
  const digest = (): string => directoryDigest(root);

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'ds-fault-hub-'));
    const tokens = TokenRegistry.inDirectory(root);
    const projects = new ProjectDirectories({
      eventsRoot: join(root, 'events'),
      dataRoot: join(root, 'data'),
      openEvents: (dir) => FsEventStore.open(dir),
      openData: (dir) => new FsDataStore({ directory: dir, workers: 1 }),
    });
    server = new HubServer({
      tokens,
      // The fuzz's valid appends are probe events (hub-fuzz-requests.ts), not domain events: the HTTP boundary is under test here.
      admitAnyEvent: true,
      projects,
    });
    port = Number(new URL(await server.listen(0)).port);
    const revoked = await tokens.create('alpha', 'admin');
    await tokens.revoke(revoked.info.id, 'alpha');
    const bytes = Buffer.from('an object the hub never receives');
    hub = {
      project: 'alpha',
      tokens: {
        admin: (await tokens.create('alpha', 'admin')).token,
        read: (await tokens.create('alpha', 'read')).token,
        otherProject: (await tokens.create('beta', 'admin')).token,
        revoked: revoked.token,
      },
      victimTokenId: (await tokens.create('alpha', 'write', 'victim')).info.id,
      object: { bytes, hex: createHash('sha256').update(bytes).digest('hex') },
    };
    // Open the project's stores and put one event in, so every later digest sees a live store (writer lock, segment, objects area).
    const seed = await exchange(port, validRawRequest('append', hub));
    expect(seed.status, seed.body).toBe(200);
    const probe = await exchange(port, validRawRequest('missing objects', hub));
    expect(probe.status, probe.body).toBe(200);
    // The seed's anchor lines are written just after its answer (D136): wait for them before the digests.
    await ((await projects.open('alpha')).events as FsEventStore).readAnchors();
  });
  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** Send every generated case; the hub's directory must not change. */
  async function fuzz(cases: fc.Arbitrary<HubFuzzCase>, numRuns: number): Promise<void> {
    const tally = new Tally();
    const before = digest();
    let refusedWrongly: HubFuzzCase | undefined;
    let answeredWith: RawAnswer | undefined;
    const run = fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const answer = await exchange(port, c.request);
        try {
          tally.add(c, answer, checkAnswer(c, answer));
        } catch (failure) {
          refusedWrongly ??= c;
          answeredWith ??= answer;
          throw failure;
        }
      }),
      { numRuns },
    );
    // A broken guarantee still gets its row in the figures (then fails the run).
    await run.catch((failure: unknown) => {
      rows.push([
        `${refusedWrongly?.kind ?? 'case'} → ${refusedWrongly?.endpoint ?? '?'}`,
        `FAILED: answered ${answeredWith?.status ?? '?'} ${answeredWith?.body.slice(0, 80) ?? ''}; store ${digest() === before ? 'byte-identical' : 'CHANGED'}`,
      ]);
      throw failure;
    });
    const unchanged = digest() === before;
    rows.push(...tally.rows(unchanged));
    expect(unchanged).toBe(true);
  }

  it(`given ${RUNS} malformed bodies on the write endpoints (one field wrong, other JSON, not JSON, deep nesting, prototype keys, duplicate keys, object bytes not matching their name, bad token ids), then each gets a 4xx JSON {code, message} naming the field and the hub's directory stays byte-identical`, async () => {
    const objects = Math.max(1, Math.round(RUNS / 10));
    const tokenIds = Math.max(1, Math.round(RUNS / 10));
    await fuzz(malformedJsonBodyCase(hub), RUNS - objects - tokenIds);
    await fuzz(mismatchedObjectCase(hub), objects);
    await fuzz(malformedTokenIdCase(hub), tokenIds);
  });

  it(`given ${RUNS} valid write requests each with one hostile header aspect (Authorization variants, Content-Type, Content-Length mismatches, chunked framing, headers over 16 KiB, malformed header lines), then each is refused and the hub's directory stays byte-identical`, async () => {
    await fuzz(hostileHeaderCase(hub), RUNS);
  });

  it(`given ${Math.max(50, Math.round(RUNS / 20))} otherwise valid bodies with Latin-1 (not UTF-8) text, then each is refused rather than stored with the text altered`, async () => {
    await fuzz(latin1BodyCase(hub), Math.max(50, Math.round(RUNS / 20)));
  });

  it('control: the same raw client with a valid request is accepted and changes the directory (so "byte-identical" above can fail)', async () => {
    const before = digest();
    const answer = await exchange(port, validRawRequest('append', hub));
    expect(answer.status, answer.body).toBe(200);
    const changed = digest() !== before;
    rows.push(['control: one valid append over the same raw client', `${answer.status}, directory ${changed ? 'changed' : 'UNCHANGED'}`]);
    expect(changed).toBe(true);
  });
});

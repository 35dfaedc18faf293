import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventTypes, type EventType } from '@dotscience/core';
import { hubPaths } from '@dotscience/adapters-http';
import { startHub, type RunningHub } from '../packages/adapters-http/test/hub-fixture.js';
import { FULL_SCALE, SCALE } from './campaign-scale.js';
import { recordFigures } from './campaign-figures.js';
import { AT, baseAttack, event, poisonsOf, runStartedData, versionRef, type Attack, type AttackTargets } from './attacker-poison-events.js';
import { tamperingCampaign } from './attacker-tampering.js';

const PER_TYPE = Math.ceil(SCALE.fuzzRuns / eventTypes.length);
const TAMPERINGS = FULL_SCALE ? 30 : 4;
const rows: Array<[string, string | number]> = [];
const notes: string[] = [];
afterAll(() =>
  recordFigures({
    id: '9-attacker',
    title: 'Attacker with a write token or file access (poison appends over HTTP, tampered fs stores)',
    rows,
    notes: [
      `Appends: a real hub on 127.0.0.1 with the append gate on (as \`ds serve\` runs it) and an ordinary write token; at least ${PER_TYPE} fast-check poisons per catalogue type (every type of core's catalogue), shared evenly among its kinds, made from an event of that type the gate admits where it is sent (checked at the end: each is then appended and accepted). "Refused" = 400 or 422 APPEND_REFUSED naming the event's type and a rule of its form (wrong shape, schemaVersion, type) or of its stream (out of order); "written" = the project's log grew; the read routes (runs, both runs, history, datasets, models, lineage) are asked every 25 attacks and at the end.`,
      `Tampering: copies of a store the SDK wrote (a prep run, three train runs, inputs, outputs, a model: seedTwoStagePipeline), each tampered once, then \`ds audit verify\` run on it; ${TAMPERINGS} random targets per kind. "Named" = exit 1 with a BROKEN (chain, anchors) / VIOLATION / MISSING line as listed.`,
      ...notes,
    ],
  }),
);

describe('attacker with a write token: poison appends over HTTP', () => {
  let hub: RunningHub;
  let token: string;
  let targets: AttackTargets;
  const PROJECT = 'attacked';

  const request = async (method: 'GET' | 'POST', path: string, json?: unknown) => {
    const response = await fetch(hub.url + path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text === '' ? {} : JSON.parse(text)) as Record<string, any> };
  };
  const append = (stream: string, events: unknown[], expectedRevision?: number) =>
    request('POST', hubPaths.stream(PROJECT, stream), { events, ...(expectedRevision === undefined ? {} : { expectedRevision }) });
  const appended = async (stream: string, events: unknown[], expectedRevision?: number) => {
    const answer = await append(stream, events, expectedRevision);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    const last = answer.body.events.at(-1) as { revision: number; hash: string };
    return { revision: last.revision, head: last.hash };
  };
  const logLength = async (): Promise<number> => {
    const answer = await request('GET', hubPaths.all(PROJECT));
    expect(answer.status).toBe(200);
    return (answer.body.events as unknown[]).length;
  };
  const readRoutes = () => [
    hubPaths.runs(PROJECT),
    hubPaths.run(PROJECT, targets.open.runId),
    hubPaths.run(PROJECT, targets.published.runId),
    hubPaths.runHistory(PROJECT, targets.published.runId),
    hubPaths.datasets(PROJECT),
    hubPaths.models(PROJECT),
    hubPaths.lineage(PROJECT, `run:${targets.open.runId}`),
  ];
  const readRoutesAnswer = async () => {
    for (const path of readRoutes()) {
      const answer = await request('GET', path);
      expect({ path, status: answer.status }).toEqual({ path, status: 200 });
    }
  };

  beforeAll(async () => {
    hub = await startHub();
    token = await hub.token(PROJECT, 'write');
    const openId = randomUUID();
    const publishedId = randomUUID();
    const open = await appended(`run-${openId}`, [
      event('RunStarted', runStartedData(openId, PROJECT)),
      event('ParameterRecorded', { name: 'depth', value: 3 }),
      event('MetricRecorded', { name: 'loss', value: 0.9, step: 5, at: AT }),
      event('ModelDeclared', { name: 'net', path: 'model/net.bin' }),
    ]);
    const started = await appended(`run-${publishedId}`, [
      event('RunStarted', runStartedData(publishedId, PROJECT)),
      event('ParameterRecorded', { name: 'depth', value: 3 }),
    ]);
    const published = await appended(`run-${publishedId}`, [event('RunPublished', { endedAt: AT, headHash: started.head })], started.revision);
    const versionOne = versionRef('version one');
    await appended('dataset-d', [event('DatasetVersionCreated', { name: 'd', version: 1, ref: versionOne, bytes: 11, files: 1 })]);
    await appended('model-m', [event('ModelVersionCreated', { name: 'm', version: 1, ref: versionOne, producedBy: openId, metrics: {} })]);
    await appended(`project-${PROJECT}`, [event('ProjectCreated', { id: PROJECT, name: 'attacked' })]);
    targets = { project: PROJECT, open: { runId: openId, ...open }, published: { runId: publishedId, ...published }, dataset: 'd', model: 'm', versionOne };
  });
  afterAll(() => hub?.cleanup());

  it(`given every event type of the catalogue, when at least ${PER_TYPE} poisons of each are appended with a write token (wrong shapes, schema versions, type names; after a seal, twice, overwritten, steps going back, versions skipped, wrong seals, wrong streams), then each is refused, nothing is written and the read routes answer 200`, async () => {
    const length = await logLength();
    let attacks = 0;
    let expected = 0;
    const tally = new Map<EventType, { attempts: number; refused: number; written: number; kinds: Set<string>; rules: Set<string> }>();
    for (const type of eventTypes) {
      const entry = { attempts: 0, refused: 0, written: 0, kinds: new Set<string>(), rules: new Set<string>() };
      tally.set(type, entry);
      let failed: { attack: Attack; status: number; body: unknown } | undefined;
      const families = poisonsOf(type, targets);
      // Every family (kind of poison) of every type gets its share, so none is left to chance.
      const perFamily = Math.ceil(PER_TYPE / families.length);
      for (const family of families) {
        await fc
          .assert(
            fc.asyncProperty(family, async (attack) => {
              entry.attempts++;
              const answer = await append(attack.stream, attack.events, attack.expectedRevision);
              const now = await logLength();
              const refused =
                (answer.status === 400 && attack.refusedAs === 'schema') ||
                (answer.status === 422 &&
                  answer.body.code === 'APPEND_REFUSED' &&
                  answer.body.type === attack.events[answer.body.index as number]?.type &&
                  (attack.refusedAs === 'schema') ===
                    ['INVALID_EVENT_DATA', 'UNKNOWN_EVENT_VERSION', 'UNKNOWN_EVENT_TYPE'].includes(answer.body.rule as string));
              if (now !== length) entry.written++;
              if (!refused || now !== length) {
                failed ??= { attack, status: answer.status, body: answer.body };
                expect.fail(
                  `${attack.kind} (${type}) on ${attack.stream}: answered ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}; log ${length} → ${now} events`,
                );
              }
              entry.refused++;
              entry.kinds.add(attack.kind);
              entry.rules.add(answer.status === 400 ? `400 ${answer.body.code}` : (answer.body.rule as string));
              if (++attacks % 25 === 0) await readRoutesAnswer();
            }),
            { numRuns: perFamily },
          )
          .catch((failure: unknown) => {
            rows.push([
              `${type}: poison appends`,
              `FAILED: ${failed?.attack.kind ?? '?'} answered ${failed?.status ?? '?'} ${JSON.stringify(failed?.body ?? '').slice(0, 120)}`,
            ]);
            throw failure;
          });
      }
      expected += perFamily * families.length;
      rows.push([
        `${type}: poison appends (kinds: ${[...entry.kinds].sort().join('; ')})`,
        `${entry.attempts} attempts, ${entry.refused} refused, ${entry.written} written; rules named: ${[...entry.rules].sort().join(', ')}`,
      ]);
    }
    await readRoutesAnswer();
    const history = await request('GET', hubPaths.runHistory(PROJECT, targets.published.runId));
    expect(history.body).toMatchObject({ verified: true });
    const total = [...tally.values()].reduce(
      (sum, e) => ({ attempts: sum.attempts + e.attempts, refused: sum.refused + e.refused, written: sum.written + e.written }),
      { attempts: 0, refused: 0, written: 0 },
    );
    rows.push([
      `all ${eventTypes.length} catalogue types`,
      `${total.attempts} poison appends, ${total.refused} refused, ${total.written} written (missed: ${total.attempts - total.refused})`,
    ]);
    expect(total).toEqual({ attempts: expected, refused: expected, written: 0 });
  });

  it('control: the event each poison was made from, sent to the same stream, is accepted (so the refusals above are the poison’s, not the target’s)', async () => {
    const accepted: string[] = [];
    // The open run last: RunErrored and RunPublished end what the others need open.
    const order = [...eventTypes].sort((a, b) => Number(['RunErrored', 'RunPublished'].includes(a)) - Number(['RunErrored', 'RunPublished'].includes(b)));
    for (const type of order) {
      let base = baseAttack(type, targets);
      if (type === 'RunAbandoned') {
        // An abandoned run takes nothing more (not even RunErrored): abandon a run of its own, started just before.
        const started = baseAttack('RunStarted', targets);
        expect((await append(started.stream, [started.event], started.expectedRevision)).status).toBe(200);
        base = { ...base, stream: started.stream, expectedRevision: 0 };
      }
      const before = await logLength();
      const answer = await append(base.stream, [base.event], base.expectedRevision);
      expect({ type, status: answer.status, body: answer.status === 200 ? 'ok' : answer.body }).toEqual({ type, status: 200, body: 'ok' });
      expect(await logLength()).toBe(before + 1);
      if (base.stream === `run-${targets.open.runId}`) {
        const last = answer.body.events.at(-1) as { revision: number; hash: string };
        targets = { ...targets, open: { ...targets.open, revision: last.revision, head: last.hash } };
      }
      accepted.push(type);
    }
    rows.push(['control: the base event of each type, appended where its poisons went', `${accepted.length} of ${eventTypes.length} accepted`]);
    await readRoutesAnswer();
  });
});

describe('attacker with file access: tampered stores named by `ds audit verify`', () => {
  it(`given a store the SDK wrote, when ${TAMPERINGS} copies per kind are tampered (payload edited and its stream re-chained with the seal, a run stream dropped and positions closed up, the log truncated at a record boundary, data objects deleted, an event planted after a seal through the store's own writer), then \`ds audit verify\` exits 1 naming each`, async () => {
    const outcome = await tamperingCampaign(TAMPERINGS);
    rows.push(...outcome.rows);
    notes.push(...outcome.notes);
    expect(outcome.missed).toEqual([]);
  });
});

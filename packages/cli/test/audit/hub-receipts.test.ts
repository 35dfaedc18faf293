import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { receiptSignatureHolds, type SignedReceipt } from '@dotscience/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ds } from '../fixtures/cli-process.js';
import { startHubProcess, type HubProcess } from '../fixtures/hub-process.js';
import { editAndRechain, exportedEvents, rewriteLog } from '../fixtures/log-tampering.js';
import { seedTwoStagePipeline, type TwoStagePipeline } from '../fixtures/two-stage-pipeline.js';

interface ReceiptFailureJson {
  side: string;
  stream?: string;
  revision?: number;
  message: string;
}
interface AuditJson {
  ok: boolean;
  receipts: { receipts: number; failures: ReceiptFailureJson[]; against?: { receiptsChecked: number; head: { count: number } } };
  anchor?: { holds: boolean; message: string };
}

const exportOf = exportedEvents;

describe('receipts: the hub signs every accepted append, the client keeps them, both sides are held to them', () => {
  let p: TwoStagePipeline;
  let hubDir: string;
  let hub: HubProcess | undefined;
  let env: Record<string, string>;

  const audit = (...args: string[]) => {
    const result = ds(['audit', 'verify', ...args, '--json'], { cwd: p.project, env });
    return { code: result.code, json: JSON.parse(result.stdout) as AuditJson };
  };
  const stopHub = async () => {
    hub?.child.kill('SIGTERM');
    await hub?.exited;
    hub = undefined;
  };

  beforeAll(async () => {
    p = await seedTwoStagePipeline();
    hubDir = join(p.project, 'hub');
    const token = ds(['token', 'create', '--store', hubDir, '--project', 'team', '--role', 'write', '--label', 'alice-laptop'], {
      cwd: p.project,
    }).stdout.trim();
    env = { DOTSCIENCE_TOKEN: token };
    hub = await startHubProcess(hubDir);
    const push = ds(['push', '--hub', hub.url], { cwd: p.project, env });
    if (push.code !== 0) throw new Error(`ds push failed: ${push.stderr}`);
  }, 120_000);
  afterAll(async () => {
    await stopHub();
    rmSync(p.project, { recursive: true, force: true });
  });

  it("given a first ds serve, then the hub made its Ed25519 key readable by its owner only, and signs the project's head on request", async () => {
    expect(statSync(join(hubDir, 'hub-signing-key.pem')).mode & 0o777).toBe(0o600);
    const head = (await (
      await fetch(`${hub!.url}/v1/projects/team/head`, { headers: { authorization: `Bearer ${env.DOTSCIENCE_TOKEN}` } })
    ).json()) as SignedReceipt;
    expect(receiptSignatureHolds(head)).toBe(true);
    expect(head.head.count).toBe(exportOf(p.project).length);
    expect(receiptSignatureHolds({ ...head, head: { ...head.head, count: head.head.count - 1 } })).toBe(false);
  });

  it('given a push, then every append left a signed receipt naming the token that made it, kept locally and on the hub, and ds show says who pushed the run', async () => {
    const kept = readFileSync(join(p.project, '.dotscience/receipts/team.ndjson'), 'utf8').trim().split('\n');
    expect(kept.length).toBeGreaterThan(0);
    const onHub = (await (
      await fetch(`${hub!.url}/v1/projects/team/receipts?stream=run-${p.trainRunId}`, { headers: { authorization: `Bearer ${env.DOTSCIENCE_TOKEN}` } })
    ).json()) as { receipts: SignedReceipt[] };
    expect(onHub.receipts).toHaveLength(1);
    expect(onHub.receipts[0]!.append).toMatchObject({ stream: `run-${p.trainRunId}`, token: { label: 'alice-laptop' } });
    expect(JSON.stringify(onHub.receipts)).not.toContain(env.DOTSCIENCE_TOKEN!.slice(21)); // never the secret

    const shown = ds(['show', p.trainRunId], { cwd: p.project, env });
    expect(shown.stdout).toMatch(/^pushed {2}by token alice-laptop \([0-9a-f]{16}\) to http:\/\/127\.0\.0\.1:\d+, revisions 0–\d+, /m);
    const json = JSON.parse(ds(['show', p.trainRunId, '--json'], { cwd: p.project, env }).stdout) as { pushes: Array<{ token: { label: string } }> };
    expect(json.pushes.map((push) => push.token.label)).toEqual(['alice-laptop']);
    const onHubShow = JSON.parse(ds(['--store', hub!.url, 'show', p.trainRunId, '--json'], { cwd: p.project, env }).stdout) as {
      pushes: Array<{ token: { label: string } }>;
    };
    expect(onHubShow.pushes.map((push) => push.token.label)).toEqual(['alice-laptop']);
  });

  it("given a push, when the project's receipts are read a page at a time, then the pages hold every receipt once, and a stream cannot be paged", async () => {
    const get = async (query: string) =>
      fetch(`${hub!.url}/v1/projects/team/receipts?${query}`, { headers: { authorization: `Bearer ${env.DOTSCIENCE_TOKEN}` } });
    const kept = readFileSync(join(p.project, '.dotscience/receipts/team.ndjson'), 'utf8').trim().split('\n');
    const seen: SignedReceipt[] = [];
    let from: number | undefined = 0;
    while (from !== undefined) {
      const page = (await (await get(`from=${from}&maxCount=2`)).json()) as { receipts: SignedReceipt[]; next?: number };
      expect(page.receipts.length).toBeLessThanOrEqual(2);
      seen.push(...page.receipts);
      from = page.next;
    }
    expect(seen.map((r) => r.append?.lastHash)).toEqual(kept.map((line) => (JSON.parse(line) as { receipt: SignedReceipt }).receipt.append?.lastHash));
    const refused = await get(`stream=run-${p.trainRunId}&from=0`);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toMatch(/query.*stream/);
  });

  it('given nothing rewritten, when verified with --receipts and --against the hub, then every receipt holds on both sides', () => {
    const local = audit('--receipts');
    expect(local.code).toBe(0);
    expect(local.json.receipts.failures).toEqual([]);
    expect(local.json.receipts.receipts).toBeGreaterThan(0);
    const against = audit('--against', hub!.url);
    expect(against.code).toBe(0);
    expect(against.json.receipts.against?.receiptsChecked).toBe(local.json.receipts.receipts);
  });

  it('given a published local anchor, when verified against it, then it holds', () => {
    const anchor = ds(['audit', 'anchor'], { cwd: p.project });
    expect(anchor.code).toBe(0);
    const file = join(p.project, 'anchor.json');
    writeFileSync(file, anchor.stdout);
    expect(receiptSignatureHolds(JSON.parse(anchor.stdout) as SignedReceipt)).toBe(true);
    expect(audit('--anchor', file).json.anchor).toMatchObject({ holds: true });
  });

  it('given the hub owner dropped a run stream from the hub log and re-anchored it, when verified --against the hub, then the receipts it signed name it', async () => {
    const onHub = exportOf(p.project, ['--store', hub!.url], env);
    await stopHub();
    const hubEvents = join(hubDir, 'events', 'team');
    expect(readdirSync(hubEvents)).toContain('anchors.log');
    // The hub's log, as the owner would leave it: the weak run gone, positions closed up, its anchors made anew on open.
    rewriteLog(
      hubEvents,
      onHub.filter((e) => e.stream !== `run-${p.weakRunId}`),
      { dropSnapshot: true },
    );
    rmSync(join(hubEvents, 'anchors.log'));
    hub = await startHubProcess(hubDir);
    const result = audit('--against', hub.url);
    expect(result.code, JSON.stringify(result.json.receipts)).toBe(1);
    expect(result.json.receipts.failures.some((f) => f.side === 'hub' && /rewrote or dropped|truncated or dropped/.test(f.message))).toBe(true);
    expect(result.json.receipts.failures).toContainEqual(
      expect.objectContaining({
        side: 'hub',
        stream: `run-${p.weakRunId}`,
        message: expect.stringMatching(/holds no revision \d+ of stream run-\S+, which it accepted: it dropped it/),
      }),
    );
  });

  it('given this store rewrote a pushed parameter and re-chained its run, when verified with --receipts and against the published anchor, then both name it', () => {
    const victim = exportOf(p.project).find((e) => e.stream === `run-${p.trainRunId}` && e.type === 'ParameterRecorded')!;
    rewriteLog(
      join(p.project, '.dotscience/events'),
      editAndRechain(exportOf(p.project), victim, (data) => ({ ...(data as object), value: 4 })),
      { dropSnapshot: true },
    );
    const result = audit('--receipts', '--anchor', join(p.project, 'anchor.json'));
    expect(result.code).toBe(1);
    expect(result.json.receipts.failures).toContainEqual(expect.objectContaining({ side: 'local', stream: `run-${p.trainRunId}` }));
    expect(result.json.anchor).toMatchObject({ holds: false });
  });
});

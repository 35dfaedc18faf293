import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventTypes, type EventType } from '@dotscience/core';
import { FsEventStore } from '@dotscience/adapters-fs';
import { ds } from '../packages/cli/test/fixtures/cli-process.js';
import { editAndRechain, exportedEvents, rewriteLog, type ExportedEvent } from '../packages/cli/test/fixtures/log-tampering.js';
import { seedTwoStagePipeline } from '../packages/cli/test/fixtures/two-stage-pipeline.js';
import { event, validData, type AttackTargets } from './attacker-poison-events.js';

/** What `ds audit verify` printed about a tampered copy: its exit code and the line that names the damage. */
interface Verdict {
  code: number;
  /** BROKEN (a stream's chain) / BROKEN anchors (the log chain or snapshot) / VIOLATION / MISSING, with the reason or rule; 'none' when no such line. */
  named: string;
  line: string;
}

/** One kind of tampering: what it does to a copy's `.dotscience` and which verdicts name it. */
interface Tampering {
  kind: string;
  tamper(copy: { events: string; objects: string }, choose: (n: number) => number): string | Promise<string>;
  names: RegExp;
}

const pick = <T>(items: readonly T[], choose: (n: number) => number): T => items[choose(items.length)]!;

/** Payload edits that keep the event's schema (so only the chains, anchors or rules can tell). */
const edits: Partial<Record<EventType, (data: any) => unknown>> = {
  ParameterRecorded: (d) => ({ ...d, value: typeof d.value === 'number' ? d.value + 1 : 'tampered' }),
  MetricRecorded: (d) => ({ ...d, value: 0.999 }),
  MetricsRecorded: (d) => ({ series: d.series.map((s: any, i: number) => (i === 0 ? { ...s, values: s.values.map(() => 0.999) } : s)) }),
  SummaryRecorded: (d) => ({ ...d, value: 'tampered' }),
  RunDescribed: (d) => ({ description: `${d.description} (amended)` }),
  RunStarted: (d) => ({ ...d, environment: { ...d.environment, host: 'somewhere-else' } }),
  RunPublished: (d) => ({ ...d, endedAt: '2030-01-01T00:00:00.000Z' }),
  InputDeclared: (d) => ({ ...d, dataset: `${d.dataset}-swapped` }),
  OutputDeclared: (d) => ({ ...d, dataset: `${d.dataset}-swapped` }),
  ModelDeclared: (d) => ({ ...d, framework: 'tampered' }),
};

function verdictOf(project: string): Verdict {
  const result = ds(['audit', 'verify'], { cwd: project });
  const out = `${result.stdout}\n${result.stderr}`;
  const line = out.split('\n').find((l) => /^(BROKEN|VIOLATION|MISSING)/.test(l)) ?? '';
  const anchors = line.match(/^BROKEN anchors at .*?\((\S+?);/)?.[1];
  const rule = line.match(/^VIOLATION .*?rule (\w+)/)?.[1];
  const chain = line.match(/^BROKEN at stream .*?\(position \d+, ([^)]+)\)/)?.[1];
  const named = anchors
    ? `BROKEN anchors (${anchors})`
    : rule
      ? `VIOLATION ${rule}`
      : chain
        ? `BROKEN chain (${chain})`
        : line.startsWith('MISSING')
          ? 'MISSING'
          : 'none';
  return { code: result.code, named, line: line || out.trim().split('\n')[0] || '' };
}

/** Byte offsets where records of the fs log start, per segment, in log order. */
function recordBoundaries(events: string): Array<{ segment: string; offset: number }> {
  const boundaries: Array<{ segment: string; offset: number }> = [];
  for (const segment of readdirSync(events)
    .filter((n) => /^segment-\d+\.log$/.test(n))
    .sort()) {
    const log = readFileSync(join(events, segment));
    for (let at = 0; at + 8 <= log.length; at += 8 + log.readUInt32LE(at)) boundaries.push({ segment, offset: at });
  }
  return boundaries;
}

function tamperings(history: readonly ExportedEvent[]): Tampering[] {
  const runStreams = [...new Set(history.filter((e) => e.stream.startsWith('run-')).map((e) => e.stream))];
  const sealed = history.filter((e) => e.type === 'RunPublished');
  const editable = history.filter((e) => edits[e.type as EventType] !== undefined);
  const runTypes = eventTypes.filter(
    (t) =>
      !['ProjectCreated', 'DatasetVersionCreated', 'ModelVersionCreated'].includes(t) &&
      ![
        'ModelAliasSet',
        'ModelAliasRemoved',
        'ModelVersionTagged',
        'ModelDescribed',
        'RunTagged',
        'RunNoted',
        'RunArchived',
        'RunRestored',
        'RunDeleted',
      ].includes(t),
  );
  return [
    {
      kind: 'payload edited, its stream re-chained (seal included)',
      tamper: ({ events }, choose) => {
        const victim = pick(editable, choose);
        rewriteLog(events, editAndRechain(history, victim, edits[victim.type as EventType]!), { dropSnapshot: choose(2) === 0 });
        return `${victim.type} at ${victim.stream}@${victim.revision}`;
      },
      names: /^(BROKEN anchors \(log-hash-mismatch\)|VIOLATION \w+)$/,
    },
    {
      kind: 'run stream dropped, positions closed up',
      tamper: ({ events }, choose) => {
        const victim = pick(runStreams, choose);
        rewriteLog(
          events,
          history.filter((e) => e.stream !== victim),
          { dropSnapshot: choose(2) === 0 },
        );
        return victim;
      },
      // Dropping the last stream of the log is a truncation too.
      names: /^(BROKEN anchors \((log-hash-mismatch|log-shorter|index-snapshot-longer)\)|VIOLATION \w+)$/,
    },
    {
      kind: 'log truncated at a record boundary',
      tamper: ({ events }, choose) => {
        const boundaries = recordBoundaries(events).slice(1);
        const cut = pick(boundaries, choose);
        truncateSync(join(events, cut.segment), cut.offset);
        for (const later of readdirSync(events).filter((n) => /^segment-\d+\.log$/.test(n) && n > cut.segment)) rmSync(join(events, later));
        const dropped = choose(2) === 0;
        if (dropped) rmSync(join(events, 'stream-index.snapshot'), { force: true });
        return `${boundaries.length + 1 - boundaries.indexOf(cut) - 1} of ${boundaries.length + 1} records cut${dropped ? ', snapshot removed' : ''}`;
      },
      names: /^BROKEN anchors \((log-shorter|index-snapshot-longer)\)$/,
    },
    {
      kind: 'data objects deleted',
      tamper: ({ objects }, choose) => {
        const files = readdirSync(objects).flatMap((prefix) => readdirSync(join(objects, prefix)).map((rest) => join(objects, prefix, rest)));
        const count = 1 + choose(files.length);
        for (let i = 0; i < count; i++) rmSync(files.splice(choose(files.length), 1)[0]!);
        return `${count} objects`;
      },
      names: /^MISSING$/,
    },
    {
      kind: "event planted after a seal, through the store's own writer",
      tamper: ({ events }, choose) => {
        const seal = pick(sealed, choose);
        const type = pick(runTypes, choose);
        const runId = seal.stream.slice('run-'.length);
        const targets = { project: 'planted' } as AttackTargets;
        const planted = event(type, validData[type](targets, { runId, projectId: 'planted', head: seal.hash, nonce: `planted-${choose(1e6)}` }));
        return FsEventStore.open(events).then(async (store) => {
          try {
            await store.append(seal.stream, [planted as never]);
          } finally {
            await store.close();
          }
          return `${type} after ${seal.stream}@${seal.revision}`;
        });
      },
      names: /^VIOLATION RUN_ALREADY_PUBLISHED$/,
    },
  ];
}

export interface TamperingOutcome {
  rows: Array<[string, string]>;
  notes: string[];
  /** Each tampering `ds audit verify` did not name as it must. */
  missed: string[];
}

/** Tamper `perKind` copies of a seeded store for each kind of tampering and audit each copy with `ds audit verify`. */
export async function tamperingCampaign(perKind: number): Promise<TamperingOutcome> {
  const seeded = await seedTwoStagePipeline();
  const scratch = mkdtempSync(join(tmpdir(), 'ds-fault-attacker-'));
  const rows: Array<[string, string]> = [];
  const missed: string[] = [];
  try {
    const history = exportedEvents(seeded.project);
    const control = verdictOf(seeded.project);
    rows.push(['control: the store as the SDK wrote it', `${history.length} events; \`ds audit verify\` exit ${control.code}`]);
    if (control.code !== 0) missed.push(`control: untampered store not ok: ${control.line}`);
    for (const tampering of tamperings(history)) {
      const named = new Map<string, number>();
      let detected = 0;
      for (let i = 0; i < perKind; i++) {
        const copy = join(scratch, `copy-${i}`);
        cpSync(seeded.project, copy, { recursive: true });
        const target = await tampering.tamper({ events: join(copy, '.dotscience/events'), objects: join(copy, '.dotscience/data/objects/sha256') }, (n) =>
          Math.floor(Math.random() * n),
        );
        const verdict = verdictOf(copy);
        if (verdict.code === 1 && tampering.names.test(verdict.named)) {
          detected++;
          named.set(verdict.named, (named.get(verdict.named) ?? 0) + 1);
        } else missed.push(`${tampering.kind} (${target}): exit ${verdict.code}, ${verdict.line}`);
        rmSync(copy, { recursive: true, force: true });
      }
      const lines = [...named.entries()].map(([line, n]) => `${line} ×${n}`).join(', ');
      rows.push([tampering.kind, `${perKind} tampered copies, ${detected} named (${lines || 'none'}), ${perKind - detected} missed`]);
    }
  } finally {
    rmSync(seeded.project, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  }
  return {
    rows,
    missed,
    notes: [
      'An attacker who also rewrites anchors.log and the stream-index snapshot consistently (the project’s code can) is not caught by a local audit alone; that is what hub receipts (`ds audit verify --receipts/--against`) and a head published elsewhere (`ds audit anchor`, `ds audit verify --anchor`) are for (docs/hub.md).',
    ],
  };
}

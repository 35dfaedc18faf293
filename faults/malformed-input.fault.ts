import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DotscienceError,
  ProtocolBlockError,
  ProtocolStreamParser,
  RunBlockSchema,
  parseQuery,
  parseRunBlock,
  type ProtocolStreamEvent,
} from '@dotscience/core';
import { FsEventStore } from '@dotscience/adapters-fs';
import { openDotscience } from '@dotscience/sdk';
import { buildProgram } from '@dotscience/cli/program';
import { parseExport } from '../packages/cli/src/transfer/import-plan.js';
import { importEvents } from '../packages/cli/src/transfer/event-import.js';
import { exportEvents } from '../packages/cli/src/transfer/event-export.js';
import { SCALE } from './campaign-scale.js';
import { recordFigures } from './campaign-figures.js';
import { directoryDigest } from './directory-digest.js';
import { asWritten, byteMutation, chunked, fieldMutation, mutateBytes, plainOutput, printBlock, runId, validRunBlock } from './protocol-block-fuzz.js';

const RUNS = SCALE.fuzzRuns;
const rows: Array<[string, string | number]> = [];
const tally = (boundary: string, cases: number, typed: number, accepted: number, storeUnchanged: string): void =>
  void rows.push([boundary, `${cases} cases: ${typed} typed errors, ${accepted} accepted as valid, store ${storeUnchanged}`]);
afterAll(() =>
  recordFigures({
    id: '5-malformed-input',
    title: 'Malformed input (fast-check)',
    rows,
    notes: [
      "Every case must end in a typed error (a DotscienceError subclass naming the field, or commander's own usage error for unknown CLI options) or be valid input; any other exception fails the run.",
      'Where the input reaches a store, the store directory is hashed (names, modes, bytes) before and after all the cases of that boundary: "byte-identical" means no case changed one byte.',
      'HTTP bodies and headers: see "Malformed input over HTTP" (faults/hub-http-fuzz.fault.ts, a real hub on 127.0.0.1).',
      'The stdout protocol fuzz also generates VALID blocks (as the Python library prints them, or compact; marker text inside strings; unknown keys) and mutations of them, so it reaches the schema, path and timestamp checks: a valid block must parse to exactly what was written, a damaged one must be a typed error or parse to what is now written.',
    ],
  }),
);

const typed = (err: unknown): boolean => err instanceof DotscienceError;
/** commander's CommanderError (unknown option, missing argument…); commander itself is not a dependency of this folder. */
const isUsageError = (err: unknown): boolean => err instanceof Error && err.name === 'CommanderError';
const MARKER_BITS = [
  '[[DOTSCIENCE-RUN:',
  '[[/DOTSCIENCE-RUN:',
  ']]',
  'abc',
  '{',
  '}',
  '"',
  ':',
  ',',
  '[',
  ']',
  '\n',
  '\\',
  'null',
  '"runId"',
  '"parameters"',
  '\u0000',
  '\uFFFD',
];
/** A framed block whose body is random JSON or text, sometimes with a mismatched or missing closing marker. */
const protocolBlock = fc
  .tuple(
    fc.constantFrom('r1', 'run-2', 'x'),
    fc.oneof(
      fc.json(),
      fc.string(),
      fc.object().map((o) => JSON.stringify(o)),
    ),
    fc.constantFrom('same', 'other', 'none'),
  )
  .map(([id, body, close]) => `[[DOTSCIENCE-RUN:${id}]]${body}${close === 'none' ? '' : `[[/DOTSCIENCE-RUN:${close === 'same' ? id : 'zz'}]]`}\n`);
const protocolText = fc
  .array(fc.oneof(protocolBlock, fc.constantFrom(...MARKER_BITS), fc.string({ maxLength: 12 }), fc.json()), { maxLength: 40 })
  .map((parts) => parts.join(''));

describe('malformed input', () => {
  it(`stdout protocol: ${RUNS} random streams (marker fragments, JSON, binary) cut into random chunks never throw; every bad block is a typed ProtocolBlockError and every accepted one a valid run block`, () => {
    let errors = 0;
    let blocks = 0;
    fc.assert(
      fc.property(protocolText, fc.array(fc.nat(64), { maxLength: 8 }), (text, cuts) => {
        const parser = new ProtocolStreamParser({ maxBlockBytes: 4096 });
        const bytes = Buffer.from(text);
        const events = [];
        let at = 0;
        for (const cut of cuts) {
          events.push(...parser.write(bytes.subarray(at, at + cut)));
          at += cut;
        }
        events.push(...parser.write(bytes.subarray(at)), ...parser.end());
        for (const e of events) {
          if (e.kind === 'error') {
            errors++;
            expect(typed(e.error)).toBe(true);
          }
          if (e.kind === 'run') {
            blocks++;
            expect(RunBlockSchema.safeParse(e.block).success).toBe(true);
          }
        }
      }),
      { numRuns: RUNS },
    );
    let typedBlocks = 0;
    let acceptedBlocks = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.object().map((o) => JSON.stringify(o)),
        ),
        (json) => {
          try {
            parseRunBlock(json);
            acceptedBlocks++;
          } catch (err) {
            expect(typed(err)).toBe(true);
            typedBlocks++;
          }
        },
      ),
      { numRuns: RUNS },
    );
    tally('stdout protocol stream', RUNS, errors, blocks, 'not involved (parser only)');
    tally('stdout protocol run block JSON', RUNS, typedBlocks, acceptedBlocks, 'not involved (parser only)');
    expect(errors).toBeGreaterThan(0);
    expect(typedBlocks).toBeGreaterThan(0);
  });

  it(`stdout protocol: ${RUNS} VALID blocks among output in random chunks parse to what was written; ${RUNS} byte-mutated and ${RUNS} field-mutated valid blocks get a typed error naming the field, or parse to what was written`, () => {
    /** Feed `bytes` to a fresh parser in chunks of the given lengths; return every event. */
    const feed = (bytes: Uint8Array, cuts: readonly number[]): ProtocolStreamEvent[] => {
      const parser = new ProtocolStreamParser();
      return [...chunked(bytes, cuts).flatMap((chunk) => parser.write(chunk)), ...parser.end()];
    };
    const outputOf = (events: readonly ProtocolStreamEvent[]): string =>
      Buffer.concat(events.flatMap((e) => (e.kind === 'output' ? [e.bytes] : []))).toString('utf8');
    const framed = (id: string, body: Uint8Array, before = '', after = ''): Uint8Array =>
      Buffer.concat([Buffer.from(`${before}[[DOTSCIENCE-RUN:${id}]]`), body, Buffer.from(`[[/DOTSCIENCE-RUN:${id}]]\n${after}`)]);
    const cuts = fc.array(fc.nat(48), { maxLength: 8 });
    const style = fc.constantFrom('python' as const, 'compact' as const);

    let valid = 0;
    fc.assert(
      fc.property(validRunBlock, style, runId, plainOutput, plainOutput, cuts, (block, printStyle, id, before, after, cutAt) => {
        const json = printBlock(block, printStyle);
        expect(parseRunBlock(Buffer.from(json))).toEqual(asWritten(json));
        const events = feed(framed(id, Buffer.from(json), before, after), cutAt);
        const findings = events.filter((e) => e.kind !== 'output');
        expect(findings).toEqual([{ kind: 'run', runId: id, block: asWritten(json), offset: Buffer.byteLength(before), line: before.split('\n').length }]);
        expect(outputOf(events)).toBe(before + after); // the block, its markers and its newline are protocol; the rest is output, byte-exact
        valid++;
      }),
      { numRuns: RUNS },
    );

    const byteOutcomes = { 'malformed-json': 0, 'invalid-block': 0, accepted: 0 };
    fc.assert(
      fc.property(validRunBlock, style, byteMutation, runId, cuts, (block, printStyle, mutation, id, cutAt) => {
        const body = mutateBytes(Buffer.from(printBlock(block, printStyle)), mutation);
        let direct: ProtocolStreamEvent;
        try {
          const parsed = parseRunBlock(body);
          // Still a valid block after the damage: it must parse to exactly what is now written.
          expect(parsed).toEqual(asWritten(new TextDecoder('utf-8', { fatal: true }).decode(body)));
          direct = { kind: 'run', runId: id, block: parsed, offset: 0, line: 1 };
          byteOutcomes.accepted++;
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolBlockError);
          const reason = (err as ProtocolBlockError).reason;
          expect(['malformed-json', 'invalid-block']).toContain(reason);
          if (reason === 'invalid-block') expect((err as ProtocolBlockError).problems.length).toBeGreaterThan(0);
          byteOutcomes[reason as 'malformed-json' | 'invalid-block']++;
          direct = { kind: 'error', error: err as ProtocolBlockError };
        }
        const findings = feed(framed(id, body), cutAt).filter((e) => e.kind !== 'output');
        for (const f of findings) if (f.kind === 'error') expect(f.error).toBeInstanceOf(ProtocolBlockError);
        // Without marker text in the damaged body, the stream must find exactly what parsing the body alone finds.
        if (!Buffer.from(body).includes('[[')) {
          expect(findings).toHaveLength(1);
          if (direct.kind === 'run') expect(findings[0]).toMatchObject({ kind: 'run', runId: id, block: direct.block });
          else expect(findings[0]).toMatchObject({ kind: 'error', error: { reason: direct.kind === 'error' ? direct.error.reason : '' } });
        }
      }),
      { numRuns: RUNS },
    );

    let namedField = 0;
    fc.assert(
      fc.property(fieldMutation, style, runId, cuts, ({ value, field }, printStyle, id, cutAt) => {
        const json = printBlock(value, printStyle);
        const refusal = (() => {
          try {
            parseRunBlock(json);
          } catch (err) {
            return err;
          }
          return undefined;
        })();
        expect(refusal).toBeInstanceOf(ProtocolBlockError);
        expect((refusal as ProtocolBlockError).reason).toBe('invalid-block');
        expect((refusal as ProtocolBlockError).problems.map((p) => p.path)).toContain(field);
        const findings = feed(framed(id, Buffer.from(json)), cutAt).filter((e) => e.kind !== 'output');
        expect(findings).toHaveLength(1);
        expect(findings[0]).toMatchObject({ kind: 'error', error: { reason: 'invalid-block', runId: id } });
        namedField++;
      }),
      { numRuns: RUNS },
    );

    rows.push([
      'stdout protocol valid blocks (Python-printed or compact, among output, random chunks)',
      `${RUNS} cases: ${valid} parsed to what was written, output around them byte-exact`,
    ]);
    rows.push([
      'stdout protocol valid blocks with damaged bytes (flip, delete, insert, truncate, duplicate)',
      `${RUNS} cases: ${byteOutcomes['malformed-json']} malformed-json + ${byteOutcomes['invalid-block']} invalid-block typed errors, ${byteOutcomes.accepted} still valid and parsed to what was written`,
    ]);
    rows.push([
      'stdout protocol valid blocks with one field made invalid',
      `${RUNS} cases: ${namedField} invalid-block errors naming that field, store not involved (parser only)`,
    ]);
    expect(valid).toBe(RUNS);
    expect(namedField).toBe(RUNS);
    expect(byteOutcomes['invalid-block']).toBeGreaterThan(0);
  });

  it(`query language: ${RUNS} random filters fail with a QueryParseError pointing at a column, or parse`, () => {
    const pieces = [
      'metrics.',
      'params.',
      'tags.',
      'inputs.path',
      'rmse',
      ' < ',
      ' = ',
      ' and ',
      ' or ',
      ' not ',
      '(',
      ')',
      "'",
      '"',
      ' in ',
      ' like ',
      ' is null',
      ' order by ',
      '1e309',
      '-',
      '.min',
      ',',
      '`',
    ];
    let errors = 0;
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 4 })), { maxLength: 20 }).map((p) => p.join('')),
        ),
        (text) => {
          try {
            parseQuery(text);
            accepted++;
          } catch (err) {
            expect(typed(err)).toBe(true);
            expect((err as { position?: unknown }).position ?? (err as Error).message).toBeTruthy();
            errors++;
          }
        },
      ),
      { numRuns: RUNS },
    );
    tally('query language', RUNS, errors, accepted, 'not involved (parser only)');
  });

  describe('with a store', () => {
    let project: string;
    let exportText: string;
    beforeAll(async () => {
      project = mkdtempSync(join(tmpdir(), 'ds-fault-fuzz-'));
      const ds = await openDotscience({ cwd: project, env: {} });
      try {
        const { DotscienceClient } = await import('@dotscience/sdk');
        const client = new DotscienceClient(ds);
        writeFileSync(join(project, 'train.csv'), 'a,b\n1,2\n');
        client.start('fuzz seed');
        client.input(join(project, 'train.csv'));
        client.parameter('lr', 0.1);
        client.metric('loss', 0.5, 0);
        await client.publish();
        const out = join(project, 'export.ndjson');
        await exportEvents(ds.events, out);
        exportText = readFileSync(out, 'utf8');
      } finally {
        await ds.close();
      }
    });
    afterAll(() => rmSync(project, { recursive: true, force: true }));
    const storeDigest = (): string => directoryDigest(join(project, '.dotscience', 'events'));

    it(`NDJSON import: ${RUNS} mutated exports (flipped bytes, dropped, duplicated and swapped lines, random JSON) import nothing new and leave the store byte-identical`, async () => {
      let errors = 0;
      let accepted = 0;
      const lines = exportText.trimEnd().split('\n');
      const before = storeDigest(); // taken while closed: an open store holds writer.lock
      const store = await FsEventStore.open(join(project, '.dotscience', 'events'));
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(
              fc.tuple(fc.nat(exportText.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, x]) => {
                const b = Buffer.from(exportText);
                b[at] = b[at]! ^ x;
                return b.toString('latin1');
              }),
              fc.shuffledSubarray(lines).map((l) => l.join('\n')),
              fc.array(fc.constantFrom(...lines), { maxLength: lines.length * 2 }).map((l) => l.join('\n')),
              fc.array(fc.json(), { maxLength: 5 }).map((l) => l.join('\n')),
              fc.string(),
            ),
            async (text) => {
              try {
                const report = await importEvents(store, parseExport(text, 'fuzz'), 'fuzz');
                expect(report.imported).toBe(0); // every valid event is already there: at most a no-op
                accepted++;
              } catch (err) {
                if (!typed(err)) throw err;
                errors++;
              }
            },
          ),
          { numRuns: RUNS },
        );
      } finally {
        await store.close();
      }
      const unchanged = storeDigest() === before;
      tally('NDJSON import (ds import)', RUNS, errors, accepted, unchanged ? 'byte-identical' : 'CHANGED');
      expect(unchanged).toBe(true);
    });

    it(`configuration: ${RUNS} random config files and environment values fail with a typed error naming the setting, and create no store`, async () => {
      const keys = ['store', 'data', 'hub', 'token', 'project', 'code', 'extra'];
      let errors = 0;
      let accepted = 0;
      const before = storeDigest();
      const scratch = mkdtempSync(join(tmpdir(), 'ds-fault-config-'));
      let n = 0;
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.oneof(
              fc.string(),
              fc.json(),
              fc.dictionary(fc.constantFrom(...keys), fc.oneof(fc.string(), fc.jsonValue())).map((o) => JSON.stringify(o)),
            ),
            fc.dictionary(
              fc.constantFrom(
                'DOTSCIENCE_STORE',
                'DOTSCIENCE_DATA',
                'DOTSCIENCE_HUB',
                'DOTSCIENCE_PROJECT',
                'DOTSCIENCE_CODE_MAX_UNTRACKED_FILE_BYTES',
                'DOTSCIENCE_CODE_GIT_TIMEOUT_MS',
              ),
              fc.oneof(fc.string(), fc.constantFrom('', ' ', 'kurrentdb://', 'zfs:', 'file:', 'http://', 'ftp://x', '0', '1048576', '99999999999999999999999')),
            ),
            async (config, env) => {
              const cwd = join(scratch, String(n++));
              mkdirSync(join(cwd, '.dotscience'), { recursive: true });
              writeFileSync(join(cwd, '.dotscience', 'config.json'), config);
              try {
                const { resolveConfiguration } = await import('@dotscience/sdk');
                resolveConfiguration({ cwd, env });
                accepted++;
              } catch (err) {
                if (!typed(err)) throw err;
                errors++;
              }
              rmSync(cwd, { recursive: true, force: true });
            },
          ),
          { numRuns: RUNS },
        );
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
      const unchanged = storeDigest() === before;
      tally('configuration (config.json + DOTSCIENCE_*)', RUNS, errors, accepted, unchanged ? 'byte-identical' : 'CHANGED');
      expect(unchanged).toBe(true);
      expect(errors).toBeGreaterThan(0);
    });

    it(`CLI arguments: ${RUNS} random argument vectors to the read commands end in a typed or usage error, or run, and leave the store byte-identical`, async () => {
      const commands = [['runs'], ['show'], ['datasets'], ['models'], ['lineage'], ['compare'], ['audit', 'verify']];
      const tokens = [
        '--filter',
        '--json',
        '--limit',
        '--order-by',
        '-n',
        '--',
        '--objects',
        'metrics.loss <',
        'params.lr = 0.1',
        'nope',
        '-1',
        '1e999',
        "'",
        '--store',
        'ftp://x',
        '--unknown',
      ];
      let errors = 0;
      let accepted = 0;
      const before = storeDigest();
      const cwd = process.cwd();
      const write = process.stdout.write.bind(process.stdout);
      process.chdir(project);
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...commands),
            fc.array(fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 8 })), { maxLength: 6 }),
            async (command, args) => {
              const program = (await buildProgram()).exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
              for (const sub of program.commands) sub.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
              for (const sub of program.commands.flatMap((c) => c.commands)) sub.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
              process.stdout.write = (() => true) as typeof process.stdout.write;
              try {
                await program.parseAsync(['node', 'ds', ...command, ...args]);
                accepted++;
              } catch (err) {
                if (!(typed(err) || isUsageError(err))) throw err;
                errors++;
              } finally {
                process.stdout.write = write;
                process.exitCode = 0;
              }
            },
          ),
          { numRuns: RUNS },
        );
      } finally {
        process.chdir(cwd);
      }
      const unchanged = storeDigest() === before;
      tally('CLI arguments (read commands)', RUNS, errors, accepted, unchanged ? 'byte-identical' : 'CHANGED');
      expect(unchanged).toBe(true);
    });
  });
});

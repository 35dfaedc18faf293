import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CodeVersionSchema, EnvironmentInfoSchema } from '../events/catalogue.js';
import { TimestampSchema } from '../events/json.js';
import type { Clock } from '../ports/clock.js';
import type { CodeInspector } from '../ports/code-inspector.js';
import type { Environment } from '../ports/environment.js';
import type { IdGenerator } from '../ports/id-generator.js';

const MANY = 10_000;
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const sha256 = (bytes: string | Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Temp directories made by a suite's tests, removed after each test. */
function tempDirectories(prefix: string): () => Promise<string> {
  const made: string[] = [];
  afterEach(async () => {
    for (const dir of made.splice(0)) await fsp.rm(dir, { recursive: true, force: true });
  });
  return async () => {
    const dir = await fsp.mkdtemp(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}

/** The `Clock` contract: ISO-8601 UTC with milliseconds, the current time, never going backwards. */
export function clockContract(name: string, factory: () => Clock): void {
  describe(`Clock contract: ${name}`, () => {
    it('gives ISO-8601 UTC timestamps with milliseconds that round-trip through Date', () => {
      const now = factory().now();
      expect(TimestampSchema.parse(now)).toBe(now);
      expect(new Date(now).toISOString()).toBe(now);
    });

    it('tells the current time', () => {
      const clock = factory();
      const before = Date.now();
      const now = Date.parse(clock.now());
      const after = Date.now();
      expect(now).toBeGreaterThanOrEqual(before);
      expect(now).toBeLessThanOrEqual(after);
    });

    it(`never goes backwards over ${MANY} readings, as instants and as strings`, () => {
      const clock = factory();
      const readings = Array.from({ length: MANY }, () => clock.now());
      for (let i = 1; i < readings.length; i++) {
        if (!(readings[i]! >= readings[i - 1]!)) expect.fail(`reading ${i} (${readings[i]}) is before reading ${i - 1} (${readings[i - 1]})`);
      }
    });

    it('moves forward as time passes', async () => {
      const clock = factory();
      const first = clock.now();
      await pause(25);
      expect(Date.parse(clock.now())).toBeGreaterThan(Date.parse(first));
    });
  });
}

export interface IdGeneratorContractOptions {
  /** The adapter promises that its ids sort as strings in creation order (e.g. UUID v7 with a counter). */
  timeOrdered?: boolean;
}

/** Lower-case canonical UUID, version 4 or 7, RFC 9562 variant. */
const UUID_V4_OR_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-[47][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The `IdGenerator` contract: unique UUIDs (v4 or v7, canonical lower case), time-ordered when the adapter promises it. */
export function idGeneratorContract(name: string, factory: () => IdGenerator, options: IdGeneratorContractOptions = {}): void {
  describe(`IdGenerator contract: ${name}`, () => {
    it(`gives ${MANY} unique ids, each a canonical lower-case UUID v4 or v7`, () => {
      const generator = factory();
      const ids = Array.from({ length: MANY }, () => generator.newId());
      expect(new Set(ids).size).toBe(MANY);
      const malformed = ids.filter((id) => !UUID_V4_OR_V7.test(id) || !z.uuid().safeParse(id).success);
      expect(malformed).toEqual([]);
    });

    it('gives ids that never repeat across two generators', () => {
      const [a, b] = [factory(), factory()];
      const ids = Array.from({ length: MANY / 2 }, () => [a.newId(), b.newId()]).flat();
      expect(new Set(ids).size).toBe(MANY);
    });

    if (options.timeOrdered) {
      it(`gives ids that sort in creation order, within a millisecond and across a pause (${MANY} ids)`, async () => {
        const generator = factory();
        const ids = Array.from({ length: MANY / 2 }, () => generator.newId());
        await pause(5);
        ids.push(...Array.from({ length: MANY / 2 }, () => generator.newId()));
        const outOfOrder = ids.findIndex((id, i) => i > 0 && !(id > ids[i - 1]!));
        expect(outOfOrder, outOfOrder > 0 ? `${ids[outOfOrder]} does not sort after ${ids[outOfOrder - 1]}` : '').toBe(-1);
      });
    }
  });
}

/** The `Environment` contract: runtime, OS, host and user are present and the description parses with the catalogue's schema. */
export function environmentContract(name: string, factory: () => Environment): void {
  describe(`Environment contract: ${name}`, () => {
    const tempDirectory = tempDirectories('ds-environment-contract-');

    it('describes runtime, OS, host and user as non-empty text, in the shape RunStarted records', async () => {
      const info = await factory().describe(await tempDirectory());
      expect(EnvironmentInfoSchema.parse(info)).toEqual(info);
      for (const field of ['runtime', 'os', 'host', 'user'] as const) expect(info[field].trim(), field).not.toBe('');
    });

    it('describes the same machine the same way from any directory', async () => {
      const environment = factory();
      const [a, b] = [await environment.describe(await tempDirectory()), await environment.describe(await tempDirectory())];
      expect({ runtime: b.runtime, os: b.os, host: b.host, user: b.user }).toEqual({ runtime: a.runtime, os: a.os, host: a.host, user: a.user });
    });

    it('describes this process synchronously as describe does without a workload: runtime, OS, host and user', async () => {
      const environment = factory();
      const process = environment.describeProcess();
      expect(EnvironmentInfoSchema.parse(process)).toEqual(process);
      const described = await environment.describe(await tempDirectory());
      expect({ runtime: process.runtime, os: process.os, host: process.host, user: process.user }).toEqual({
        runtime: described.runtime,
        os: described.os,
        host: described.host,
        user: described.user,
      });
    });
  });
}

/** Runs the real `git` CLI with `args` in `cwd` and resolves to its stdout (rejects when git fails). Core's testing code spawns no processes, so the caller supplies it. */
export type GitRunner = (cwd: string, args: readonly string[]) => Promise<string>;

/** A real git repository in a temp directory (identity and signing passed per command, so no global config is needed). */
class GitRepositoryFixture {
  constructor(
    readonly dir: string,
    private readonly runner: GitRunner,
  ) {}

  git(...args: string[]): Promise<string> {
    return this.runner(this.dir, ['-c', 'user.name=Contract Test', '-c', 'user.email=contract@example.com', '-c', 'commit.gpgsign=false', ...args]);
  }

  async write(path: string, content: string): Promise<void> {
    await fsp.mkdir(dirname(join(this.dir, path)), { recursive: true });
    await fsp.writeFile(join(this.dir, path), content);
  }

  /** Write the files, commit everything, and return the new HEAD. */
  async commit(files: Record<string, string>, message = 'commit'): Promise<string> {
    for (const [path, content] of Object.entries(files)) await this.write(path, content);
    await this.git('add', '--all');
    await this.git('commit', '-q', '--allow-empty', '-m', message);
    return (await this.git('rev-parse', 'HEAD')).trim();
  }
}

/**
 * The `CodeInspector` contract, on real git repositories built with `git`: the commit
 * at HEAD, the dirty flag, a `sha256:` diff digest that changes with every change and
 * is stable without one, the script's digest, and a directory outside any repository
 * described without git fields. The temp directories must not lie inside a git working
 * tree (set `GIT_CEILING_DIRECTORIES` to `os.tmpdir()` if they might).
 */
export function codeInspectorContract(name: string, factory: () => CodeInspector, git: GitRunner): void {
  describe(`CodeInspector contract: ${name}`, () => {
    const tempDirectory = tempDirectories('ds-code-contract-');
    const repository = async (files: Record<string, string>): Promise<{ repo: GitRepositoryFixture; head: string }> => {
      const repo = new GitRepositoryFixture(await tempDirectory(), git);
      await repo.git('init', '-q');
      return { repo, head: await repo.commit(files, 'first') };
    };
    const inspect = async (cwd: string, script?: string) => {
      const version = await factory().inspect(cwd, script);
      expect(CodeVersionSchema.parse(version)).toEqual(version);
      return version;
    };

    it('given a clean repository, then it records the HEAD commit, not dirty, without a diff digest', async () => {
      const { repo, head } = await repository({ 'train.py': 'fit()\n' });
      const version = await inspect(repo.dir);
      expect(version).toMatchObject({ gitCommit: head, dirty: false });
      expect(version.diffDigest).toBeUndefined();
    });

    it('given a change, then it is dirty with a sha256 diff digest that is stable until the next change, and a revert makes it clean', async () => {
      const { repo, head } = await repository({ 'train.py': 'fit()\n', 'conf/params.yaml': 'lr: 0.1\n' });
      await repo.write('train.py', 'fit(epochs=3)\n');
      const first = await inspect(repo.dir);
      expect(first).toMatchObject({ gitCommit: head, dirty: true, diffDigest: expect.stringMatching(DIGEST) });
      expect((await inspect(repo.dir)).diffDigest).toBe(first.diffDigest);

      await repo.write('conf/params.yaml', 'lr: 0.2\n');
      const second = await inspect(repo.dir);
      expect(second).toMatchObject({ gitCommit: head, dirty: true, diffDigest: expect.stringMatching(DIGEST) });
      expect(second.diffDigest).not.toBe(first.diffDigest);

      await repo.write('train.py', 'fit()\n');
      await repo.write('conf/params.yaml', 'lr: 0.1\n');
      const reverted = await inspect(repo.dir);
      expect(reverted).toMatchObject({ gitCommit: head, dirty: false });
      expect(reverted.diffDigest).toBeUndefined();
    });

    it('given a new untracked file, then it is dirty', async () => {
      const { repo } = await repository({ 'train.py': 'fit()\n' });
      await repo.write('features.py', 'def f(): pass\n');
      expect(await inspect(repo.dir)).toMatchObject({ dirty: true, diffDigest: expect.stringMatching(DIGEST) });
    });

    it('given untracked files only under excluded paths or a .dotscience folder, then it is clean', async () => {
      const { repo, head } = await repository({ 'src/train.py': 'fit()\n' });
      await repo.write('src/out/preds.csv', 'id,p\n1,0.5\n');
      await repo.write('data/raw.csv', 'x\n1\n');
      await repo.write('.dotscience/events/log', 'events');
      const exclude = ['out/preds.csv', join(repo.dir, 'data')];
      expect(await factory().inspect(join(repo.dir, 'src'), undefined, { exclude })).toMatchObject({ gitCommit: head, dirty: false });
      expect(await factory().inspect(join(repo.dir, 'src'), undefined, { exclude: ['out'] })).toMatchObject({ dirty: true });
    });

    it('given a new commit, then the commit follows HEAD and the tree is clean again', async () => {
      const { repo, head } = await repository({ 'train.py': 'fit()\n' });
      const next = await repo.commit({ 'train.py': 'fit(epochs=3)\n' }, 'second');
      expect(next).not.toBe(head);
      expect(await inspect(repo.dir)).toMatchObject({ gitCommit: next, dirty: false });
    });

    it('given a sub-directory of the working tree as cwd, then it describes the whole repository', async () => {
      const { repo, head } = await repository({ 'src/models/train.py': 'fit()\n' });
      await repo.write('README.md', 'changed at the top\n');
      expect(await inspect(join(repo.dir, 'src/models'))).toMatchObject({ gitCommit: head, dirty: true });
    });

    it('given a script, then its digest is sha256: and the sha256 of its bytes, resolved from cwd', async () => {
      const { repo } = await repository({ 'src/train.py': 'fit()\n' });
      expect((await inspect(repo.dir, 'src/train.py')).scriptDigest).toBe(sha256('fit()\n'));
    });

    it('given a directory outside any git repository, then the code version has no git fields, only the script digest', async () => {
      const dir = await tempDirectory();
      await fsp.writeFile(join(dir, 'train.py'), 'fit()\n');
      const version = await inspect(dir, 'train.py');
      expect(version).toEqual({ scriptDigest: sha256('fit()\n') });
    });
  });
}

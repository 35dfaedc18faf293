import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { VersionRef } from '../../events/catalogue.js';
import { DataPathNotFoundError, NonUtf8NameError } from '../../errors/data-errors.js';
import type { DataContractSubject } from './contract-subject.js';
import { hexSha256 } from './expected-version.js';

/** The DataStore contract, part: What a capture refuses, naming the path, with nothing stored. */

export function captureErrorsContract(s: DataContractSubject): void {
  describe('capture errors', () => {
    it('given a path that does not exist, when captured, then DataPathNotFoundError names the path', async () => {
      const missing = s.ws.path('no/such/data');
      const error = await s.store.capture(missing).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DataPathNotFoundError);
      expect((error as DataPathNotFoundError).path).toBe(missing);
      expect((error as Error).message).toContain(missing);
    });
  });
}

export function nonUtf8NamesContract(s: DataContractSubject): void {
  describe('names that are not UTF-8', () => {
    /** `dir` (resolved, as errors name it) + '/' + `name` with the Latin-1 byte é (0xe9) in it: a path Node can only name as a Buffer. */
    const latin1Path = async (rel: string, name: string): Promise<{ shown: string; raw: Buffer }> => {
      const dir = await fsp.realpath(s.ws.path(rel));
      const [before, after] = name.split('é') as [string, string];
      return { shown: `${dir}/${before}\\xe9${after}`, raw: Buffer.concat([Buffer.from(`${dir}/${before}`), Buffer.from([0xe9]), Buffer.from(after)]) };
    };
    /** Capture `data` expecting a refusal; checks nothing new is held: neither `fresh` content nor anything in the store's state. */
    const refusedCapture = async (before: unknown, fresh: Buffer): Promise<NonUtf8NameError> => {
      const error = await s.store.capture(s.ws.path('data')).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(NonUtf8NameError);
      const refusal = error as NonUtf8NameError;
      expect(refusal.code).toBe('DATA_NAME_NOT_UTF8');
      expect(refusal.message).toContain(refusal.path);
      expect(refusal.message).toContain('nothing was stored');
      const freshRef: VersionRef = { store: s.store.kind, kind: 'file', digest: `sha256:${hexSha256(fresh)}`, bytes: fresh.length, files: 1 };
      expect(await s.store.has(freshRef)).toBe(false);
      expect(await s.fixture.storedState()).toEqual(before);
      return refusal;
    };

    it('given a tree holding a file whose name is not UTF-8, when captured, then NonUtf8NameError names the path (bad bytes as \\xHH) and nothing is stored', async () => {
      await s.ws.write('data', { 'kept.txt': randomBytes(32) });
      await s.capture('data'); // the store holds something: a refusal must leave it as it is
      const before = await s.fixture.storedState();
      const fresh = randomBytes(4096);
      await s.ws.write('data', { 'sub/fresh.bin': fresh, 'sub/zz-after.txt': randomBytes(16) });
      const odd = await latin1Path('data/sub', 'café.csv');
      await fsp.writeFile(odd.raw, 'a Latin-1 name');

      const refusal = await refusedCapture(before, fresh);

      expect(refusal.path).toBe(odd.shown);
      expect(Buffer.from(refusal.rawPath).equals(odd.raw)).toBe(true);
      expect(refusal.part).toBe('name');
    });

    it('given a symlink whose target is not UTF-8, when captured, then NonUtf8NameError names the link, shows the target escaped, and nothing is stored', async () => {
      await s.ws.write('data', { 'kept.txt': randomBytes(32) });
      await s.capture('data');
      const before = await s.fixture.storedState();
      const fresh = randomBytes(4096);
      await s.ws.write('data', { 'fresh.bin': fresh });
      await fsp.symlink(Buffer.concat([Buffer.from('../caf'), Buffer.from([0xe9])]), s.ws.path('data/link'));

      const refusal = await refusedCapture(before, fresh);

      expect(refusal).toMatchObject({ path: `${await fsp.realpath(s.ws.path('data'))}/link`, part: 'symlink target', target: '../caf\\xe9' });
    });
  });
}

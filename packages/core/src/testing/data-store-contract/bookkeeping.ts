import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CaptureProgress } from '../../ports/data-store.js';
import type { DataTree } from '../data-workspace.js';
import type { DataContractSubject } from './contract-subject.js';
import { VARIED_TREE } from './expected-version.js';

/** The DataStore contract, part: What a store tells of what it holds (has, stat) and of a capture under way (progress). */

export function hasAndStatContract(s: DataContractSubject): void {
  describe('has and stat', () => {
    it('given captured versions, then has is true and stat gives their kind, bytes and files', async () => {
      await s.ws.write('data', VARIED_TREE);
      const tree = await s.capture('data');
      const file = await s.capture('data/nested/deeper/deepest/leaf.bin');
      expect(await s.store.has(tree)).toBe(true);
      expect(await s.store.has(file)).toBe(true);
      expect(await s.store.stat(tree)).toEqual({ kind: 'directory', bytes: tree.bytes, files: tree.files });
      expect(await s.store.stat(file)).toEqual({ kind: 'file', bytes: 256, files: 1 });
    });

    it('given a digest the store never captured, then has is false and stat is undefined', async () => {
      for (const kind of ['file', 'directory'] as const) {
        expect(await s.store.has(s.unknownRef(kind))).toBe(false);
        expect(await s.store.stat(s.unknownRef(kind))).toBeUndefined();
      }
    });
  });
}

export function progressContract(s: DataContractSubject): void {
  describe('progress', () => {
    it('given a tree, when captured (first and again), then progress is monotonic and ends at totals equal to the ref bytes and files', async () => {
      const tree: DataTree = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`part-${i % 4}/file-${i}.bin`, randomBytes(1000 * i + 1)]));
      await s.ws.write('data', { ...tree, link: { link: 'part-0/file-0.bin' } });
      for (const round of ['first', 'again']) {
        const seen: CaptureProgress[] = [];
        const ref = await s.capture('data', (p) => seen.push({ ...p }));
        expect(seen.length, `progress reported on the ${round} capture`).toBeGreaterThan(0);
        const last = seen.at(-1)!;
        expect(last).toEqual({ bytesDone: ref.bytes, bytesTotal: ref.bytes, filesDone: ref.files, filesTotal: ref.files });
        expect(ref.files).toBe(24);
        seen.forEach((p, i) => {
          expect(p.bytesTotal).toBe(last.bytesTotal);
          expect(p.filesTotal).toBe(last.filesTotal);
          expect(p.bytesDone).toBeLessThanOrEqual(p.bytesTotal);
          expect(p.filesDone).toBeLessThanOrEqual(p.filesTotal);
          if (i > 0) {
            expect(p.bytesDone).toBeGreaterThanOrEqual(seen[i - 1]!.bytesDone);
            expect(p.filesDone).toBeGreaterThanOrEqual(seen[i - 1]!.filesDone);
          }
        });
      }
    });
  });
}

import { describe, expect, it } from 'vitest';
import { decideVersion, sameContent, type RecordedVersion } from '../../src/application/version-numbering.js';
import type { VersionRef } from '../../src/events/catalogue.js';

const ref = (n: number): VersionRef => ({ store: 'fs', digest: `sha256:${n.toString(16).padStart(64, '0')}`, kind: 'file', bytes: 1, files: 1 });
const history: RecordedVersion[] = [
  { version: 1, ref: ref(10) },
  { version: 2, ref: ref(20) },
];

describe('version numbering', () => {
  it('the first version is 1', () => {
    expect(decideVersion([], ref(1), 'changed')).toEqual({ create: true, version: 1 });
    expect(decideVersion([], ref(1), 'unseen')).toEqual({ create: true, version: 1 });
  });

  it("'changed': the latest version's content makes no new version; older content does", () => {
    expect(decideVersion(history, ref(20), 'changed')).toEqual({ create: false, version: 2 });
    expect(decideVersion(history, ref(10), 'changed')).toEqual({ create: true, version: 3 });
    expect(decideVersion(history, ref(30), 'changed')).toEqual({ create: true, version: 3 });
  });

  it("'unseen': any version's content makes no new version", () => {
    expect(decideVersion(history, ref(10), 'unseen')).toEqual({ create: false, version: 1 });
    expect(decideVersion(history, ref(30), 'unseen')).toEqual({ create: true, version: 3 });
  });

  it('versions read out of order still number after the highest', () => {
    expect(decideVersion([...history].reverse(), ref(30), 'changed')).toEqual({ create: true, version: 3 });
  });

  it('deferred digests compare by snapshot; a ref with neither digest nor snapshot is always new', () => {
    const snap = (id?: string): VersionRef => ({ store: 'zfs', kind: 'directory', bytes: 1, files: 1, ...(id ? { snapshotId: id } : {}) });
    expect(sameContent(snap('pool/ds@a'), snap('pool/ds@a'))).toBe(true);
    expect(sameContent(snap('pool/ds@a'), snap('pool/ds@b'))).toBe(false);
    expect(sameContent(snap(), snap())).toBe(false);
    expect(decideVersion([{ version: 1, ref: snap() }], snap(), 'changed')).toEqual({ create: true, version: 2 });
  });
});

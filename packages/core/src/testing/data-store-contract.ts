import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { VersionRefSchema, type VersionRef } from '../events/catalogue.js';
import type { CaptureProgress, DataStore } from '../ports/data-store.js';
import { hasAndStatContract, progressContract } from './data-store-contract/bookkeeping.js';
import type { DataContractSubject, DataStoreFixture } from './data-store-contract/contract-subject.js';
import { expectedVersionOf, hexSha256 } from './data-store-contract/expected-version.js';
import { contentIdentityContract, symlinksContract } from './data-store-contract/identity.js';
import { emptyDataContract, immutabilityContract, materializeContract } from './data-store-contract/materialize.js';
import { captureErrorsContract, nonUtf8NamesContract } from './data-store-contract/refusals.js';
import { DataWorkspace } from './data-workspace.js';

export type { DataStoreFixture } from './data-store-contract/contract-subject.js';

/**
 * The `DataStore` contract: content identity, exact restore, immutability and the
 * bookkeeping (has/stat/progress) every adapter must agree on. Digests are read with
 * `store.digestOf(ref)`, so stores that defer digests pass too.
 */
export function dataStoreContract(name: string, factory: () => Promise<DataStoreFixture>): void {
  describe(`DataStore contract: ${name}`, () => {
    let fixture: DataStoreFixture | undefined;
    let space: DataWorkspace | undefined;
    let store: DataStore;
    let ws: DataWorkspace;

    beforeEach(async () => {
      fixture = await factory();
      space = await DataWorkspace.create('ds-data-contract-', fixture.workspaceDirectory);
      store = fixture.store;
      ws = space;
    });
    afterEach(async () => {
      await fixture?.cleanup();
      await space?.cleanup();
      fixture = undefined;
      space = undefined;
    });

    const capture = async (rel: string, onProgress?: (p: CaptureProgress) => void): Promise<VersionRef> => {
      const ref = await store.capture(ws.path(rel), onProgress ? { onProgress } : undefined);
      expect(VersionRefSchema.parse(ref)).toEqual(ref);
      expect(ref.store).toBe(store.kind);
      if (!store.digestsDeferred) expect(ref.digest).toBe(await store.digestOf(ref));
      return ref;
    };
    const digestOf = async (rel: string): Promise<string> => store.digestOf(await capture(rel));
    const expectVersion = async (ref: VersionRef, rel: string): Promise<void> => {
      const expected = await expectedVersionOf(ws.path(rel));
      expect({ kind: ref.kind, digest: await store.digestOf(ref), bytes: ref.bytes, files: ref.files }).toEqual(expected);
    };
    const unknownRef = (kind: 'file' | 'directory'): VersionRef => ({
      store: store.kind,
      kind,
      digest: `sha256:${hexSha256(randomBytes(32))}`,
      bytes: 0,
      files: kind === 'file' ? 1 : 0,
    });
    const subject: DataContractSubject = {
      get fixture(): DataStoreFixture {
        if (!fixture) throw new Error('the DataStore contract has no fixture outside a test');
        return fixture;
      },
      get store(): DataStore {
        return store;
      },
      get ws(): DataWorkspace {
        return ws;
      },
      capture,
      digestOf,
      expectVersion,
      unknownRef,
    };
    contentIdentityContract(subject);
    materializeContract(subject);
    emptyDataContract(subject);
    hasAndStatContract(subject);
    captureErrorsContract(subject);
    nonUtf8NamesContract(subject);
    immutabilityContract(subject);
    symlinksContract(subject);
    progressContract(subject);
  });
}

import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { DataStore } from '../ports/data-store.js';
import type { ObjectStorage } from '../ports/object-storage.js';
import { DataWorkspace } from './data-workspace.js';

export interface ObjectStorageFixture {
  objects: ObjectStorage;
  /** The data store whose objects these are, when it is one: a version it captures is readable as objects. */
  store?: DataStore;
  cleanup: () => Promise<void>;
}

const digestOf = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function* chunks(...parts: Uint8Array[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield part;
}

async function bytesOf(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(parts);
}

/**
 * The `ObjectStorage` contract: objects by digest, kept only when their bytes
 * hash to it, read back as written; a second write of an object stores nothing.
 */
export function objectStorageContract(name: string, factory: () => Promise<ObjectStorageFixture>): void {
  describe(`ObjectStorage contract: ${name}`, () => {
    let fixture: ObjectStorageFixture | undefined;
    const given = async (): Promise<ObjectStorageFixture> => (fixture = await factory());
    afterEach(async () => {
      await fixture?.cleanup();
      fixture = undefined;
    });

    it('given an object never written, when asked for, then it is absent and reads as undefined', async () => {
      const { objects } = await given();
      const digest = digestOf(randomBytes(64));
      expect(await objects.hasObject(digest)).toBe(false);
      expect(await objects.readObject(digest)).toBeUndefined();
    });

    it('given content streamed in chunks, when written under its digest, then it is kept and reads back byte for byte with its size', async () => {
      const { objects } = await given();
      const content = randomBytes(70_000);
      const digest = digestOf(content);
      expect(await objects.writeObject(digest, chunks(content.subarray(0, 1000), content.subarray(1000)))).toBe(true);
      expect(await objects.hasObject(digest)).toBe(true);
      const found = await objects.readObject(digest);
      expect(found?.size).toBe(content.length);
      expect((await bytesOf(found!.stream)).equals(content)).toBe(true);
    });

    it('given an object already kept, when written again, then the write says so and the object is unchanged', async () => {
      const { objects } = await given();
      const content = Buffer.from('the same bytes twice');
      const digest = digestOf(content);
      await objects.writeObject(digest, chunks(content));
      expect(await objects.writeObject(digest, chunks(content))).toBe(false);
      expect((await bytesOf((await objects.readObject(digest))!.stream)).equals(content)).toBe(true);
    });

    it('given content that does not hash to the digest named, when written, then it is refused and nothing is kept', async () => {
      const { objects } = await given();
      const digest = digestOf(Buffer.from('what was promised'));
      await expect(objects.writeObject(digest, chunks(Buffer.from('something else')))).rejects.toThrow();
      expect(await objects.hasObject(digest)).toBe(false);
      expect(await objects.readObject(digest)).toBeUndefined();
    });

    it('given a file captured by the data store, when its digest is asked for as an object, then the object holds its bytes', async () => {
      const { objects, store } = await given();
      if (store === undefined) return;
      const ws = await DataWorkspace.create('ds-object-storage-');
      try {
        const content = Buffer.from('captured, then copied by digest\n');
        const ref = await store.capture(await ws.writeFile('model.bin', content));
        const digest = await store.digestOf(ref);
        expect(digest).toBe(digestOf(content));
        expect(await objects.hasObject(digest)).toBe(true);
        expect((await bytesOf((await objects.readObject(digest))!.stream)).equals(content)).toBe(true);
      } finally {
        await ws.cleanup();
      }
    });
  });
}

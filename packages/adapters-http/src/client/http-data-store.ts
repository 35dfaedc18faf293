import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import {
  DotscienceError,
  MaterializeOptionsSchema,
  parseInput,
  VersionRefSchema,
  type CaptureOptions,
  type DataStore,
  type MaterializeOptions,
  type ObjectStorage,
  type StoredObject,
  type VersionRef,
  type VersionStat,
} from '@dotscience/core';
import { z } from 'zod';
import { hubPaths } from '../wire/hub-routes.js';
import { MissingObjectsResponseSchema, VersionStatResponseSchema } from '../wire/wire-schemas.js';
import { HubConnection, type HubClientOptions } from './hub-connection.js';
import { captureLocally, type ObjectSource } from './local-capture.js';
import { downloadVersion } from './version-download.js';

const PathSchema = z.string().min(1, 'must be a non-empty path');
const DigestSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 lowercase hex digits>');
const PARALLEL_UPLOADS = 8;
const MISSING_BATCH = 10_000;

export class HubVersionNotFoundError extends DotscienceError {
  readonly code = 'DATA_VERSION_NOT_FOUND';
  constructor(readonly digest: string) {
    super(`the hub does not hold every object of version ${digest} — push it from the machine that captured it (ds push)`);
  }
}

const hexOf = (digest: string): string => parseInput(DigestSchema, digest, 'object digest').slice('sha256:'.length);

/**
 * The DataStore port over a hub. Capture hashes and builds manifests here (the
 * same digests as every store), asks the hub which objects it lacks and
 * uploads only those, each streamed from its file. Materialize downloads.
 * It is also an ObjectStorage, so push/pull can copy objects to and from it.
 */
export class HttpDataStore implements DataStore, ObjectStorage {
  readonly kind = 'hub';
  readonly connection: HubConnection;

  constructor(options: HubClientOptions | HubConnection) {
    this.connection = options instanceof HubConnection ? options : new HubConnection(options);
  }

  async capture(path: string, options?: CaptureOptions): Promise<VersionRef> {
    const target = parseInput(PathSchema, path, 'capture path');
    const version = await captureLocally(target, options?.onProgress);
    const missing = await this.missing([...version.objects.keys()]);
    await runAll(
      missing.map((digest) => () => this.upload(digest, version.objects.get(digest)!)),
      PARALLEL_UPLOADS,
    );
    return { store: this.kind, kind: version.kind, digest: version.digest, bytes: version.bytes, files: version.files };
  }

  async materialize(ref: VersionRef, targetPath: string, options: MaterializeOptions = {}): Promise<void> {
    const version = parseInput(VersionRefSchema, ref, 'version ref');
    const restore = parseInput(MaterializeOptionsSchema, options, 'materialize options');
    const target = parseInput(PathSchema, targetPath, 'materialize target');
    const digest = await this.digestOf(version);
    if (!(await this.stat(version))) throw new HubVersionNotFoundError(digest);
    await downloadVersion((d) => this.fetchObject(d), version.kind, digest, target, restore);
  }

  async has(ref: VersionRef): Promise<boolean> {
    return (await this.stat(ref)) !== undefined;
  }

  async stat(ref: VersionRef): Promise<VersionStat | undefined> {
    const version = parseInput(VersionRefSchema, ref, 'version ref');
    const project = await this.connection.project();
    const response = await this.connection.send(
      { method: 'GET', path: hubPaths.versionStat(project, version.kind, hexOf(await this.digestOf(version))) },
      true,
    );
    if (!response) return undefined;
    return parseInput(VersionStatResponseSchema, await response.json(), 'hub version stat');
  }

  async digestOf(ref: VersionRef): Promise<string> {
    const version = parseInput(VersionRefSchema, ref, 'version ref');
    if (version.digest === undefined) throw new HubVersionNotFoundError(`(a ${version.store} version without a digest)`);
    return version.digest;
  }

  /** Of these object digests, the ones the hub lacks. */
  async missing(digests: readonly string[]): Promise<string[]> {
    const project = await this.connection.project();
    const out: string[] = [];
    for (let i = 0; i < digests.length; i += MISSING_BATCH) {
      const answer = await this.connection.json(
        { method: 'POST', path: hubPaths.missingObjects(project), json: { digests: digests.slice(i, i + MISSING_BATCH) } },
        MissingObjectsResponseSchema,
      );
      out.push(...answer.missing);
    }
    return out;
  }

  async hasObject(digest: string): Promise<boolean> {
    return (await this.missing([digest])).length === 0;
  }

  async readObject(digest: string): Promise<StoredObject | undefined> {
    const project = await this.connection.project();
    const response = await this.connection.send({ method: 'GET', path: hubPaths.object(project, hexOf(digest)) }, true);
    if (!response?.body) return undefined;
    const size = Number(response.headers.get('content-length') ?? Number.NaN);
    return { size, stream: Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>) };
  }

  /** Upload an object; the hub verifies its digest before keeping it. The content is streamed once: a retry needs a new call. */
  async writeObject(digest: string, content: AsyncIterable<Uint8Array>): Promise<boolean> {
    const project = await this.connection.project();
    const response = await this.connection.send({ method: 'PUT', path: hubPaths.object(project, hexOf(digest)), stream: () => content });
    return response.status === 201;
  }

  private async upload(digest: string, source: ObjectSource): Promise<void> {
    const project = await this.connection.project();
    const body = 'file' in source ? () => createReadStream(source.file) : () => oneChunk(Buffer.from(source.text, 'utf8'));
    const response = await this.connection.send({ method: 'PUT', path: hubPaths.object(project, hexOf(digest)), stream: body });
    await response.body?.cancel();
  }

  private async fetchObject(digest: string): Promise<ReadableStream<Uint8Array>> {
    const project = await this.connection.project();
    const response = await this.connection.send({ method: 'GET', path: hubPaths.object(project, hexOf(digest)) }, true);
    if (!response?.body) throw new HubVersionNotFoundError(digest);
    return response.body;
  }
}

async function* oneChunk(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

async function runAll(tasks: Array<() => Promise<void>>, parallel: number): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(parallel, tasks.length) }, lane));
}

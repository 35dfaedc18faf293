import { createHash, randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { join, relative } from 'node:path';
import type { NewEvent } from '@dotscience/core';
import { hubPaths } from '../src/index.js';

/** One request a client can make of a project, with a body that would be valid. */
export interface HubRequestSpec {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  json?: unknown;
  bytes?: Uint8Array;
}

export const validEvent = (): NewEvent => ({ id: randomUUID(), type: 'Probe', schemaVersion: 1, data: { n: 1 }, meta: {} });
const objectBytes = Buffer.from('an object');
export const objectHex = createHash('sha256').update(objectBytes).digest('hex');

/** Every project endpoint of the hub, once. */
export function everyProjectEndpoint(project: string): HubRequestSpec[] {
  return [
    { name: 'append', method: 'POST', path: hubPaths.stream(project, 'run-a'), json: { events: [validEvent()], expectedRevision: 'any' } },
    { name: 'read stream', method: 'GET', path: hubPaths.stream(project, 'run-a') },
    { name: 'read all', method: 'GET', path: hubPaths.all(project) },
    { name: 'subscribe', method: 'GET', path: hubPaths.subscribe(project) },
    { name: 'missing objects', method: 'POST', path: hubPaths.missingObjects(project), json: { digests: [`sha256:${objectHex}`] } },
    { name: 'upload object', method: 'PUT', path: hubPaths.object(project, objectHex), bytes: objectBytes },
    { name: 'download object', method: 'GET', path: hubPaths.object(project, objectHex) },
    { name: 'version stat', method: 'GET', path: hubPaths.versionStat(project, 'file', objectHex) },
    { name: 'runs', method: 'GET', path: hubPaths.runs(project) },
    { name: 'run detail', method: 'GET', path: hubPaths.run(project, 'r') },
    { name: 'metric series', method: 'GET', path: hubPaths.metricSeries(project, 'r', 'loss') },
    { name: 'run history', method: 'GET', path: hubPaths.runHistory(project, 'r') },
    { name: 'lineage', method: 'GET', path: hubPaths.lineage(project, 'x') },
    { name: 'datasets', method: 'GET', path: hubPaths.datasets(project) },
    { name: 'models', method: 'GET', path: hubPaths.models(project) },
    { name: 'list tokens', method: 'GET', path: hubPaths.tokens(project) },
    { name: 'create token', method: 'POST', path: hubPaths.tokens(project), json: { role: 'read' } },
    { name: 'revoke token', method: 'DELETE', path: hubPaths.token(project, '0123456789abcdef') },
  ];
}

export async function send(url: string, spec: HubRequestSpec, token?: string, rawBody?: string): Promise<{ status: number; body: string }> {
  const abort = new AbortController();
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (rawBody !== undefined) {
    headers['content-type'] = 'application/json';
    body = rawBody;
  } else if (spec.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(spec.json);
  } else if (spec.bytes) {
    headers['content-type'] = 'application/octet-stream';
    body = new Uint8Array(spec.bytes); // a copy that owns its ArrayBuffer (what fetch's body type asks for)
  }
  const response = await fetch(url + spec.path, { method: spec.method, headers, ...(body === undefined ? {} : { body }), signal: abort.signal });
  // A subscription that was let in never ends by itself: read only what is there.
  if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
    abort.abort();
    return { status: response.status, body: '' };
  }
  return { status: response.status, body: await response.text() };
}

/** sha256 of every file's path, mode and bytes under `root`: equal before and after means byte-identical. */
export async function treeFingerprint(root: string): Promise<string> {
  const hash = createHash('sha256');
  const visit = async (dir: string): Promise<void> => {
    for (const entry of (await fsp.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      hash.update(`${relative(root, path)}\0`);
      if (entry.isDirectory()) await visit(path);
      else if (entry.isFile()) hash.update(await fsp.readFile(path));
      else if (entry.isSymbolicLink()) hash.update(await fsp.readlink(path));
    }
  };
  await visit(root);
  return hash.digest('hex');
}

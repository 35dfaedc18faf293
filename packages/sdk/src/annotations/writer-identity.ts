import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import type { WriterMeta } from '@dotscience/core';

/** This package's version, from its package.json (src/ and dist/ are both one level below it). */
function sdkVersion(): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

/** What every event this process writes carries in `meta`: who wrote it, where, with which SDK. */
export function writerIdentity(): WriterMeta {
  const version = sdkVersion();
  return { actor: { user: userName(), host: hostname() }, ...(version === undefined ? {} : { sdkVersion: version }) };
}

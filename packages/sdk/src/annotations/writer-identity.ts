import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import type { WriterMeta } from '@dotscience/core';

/**
 * This package's version, from the package.json of the dotscience package this code runs from:
 * one level up from src/ and dist/ folders (../../), or from a bundle's own folder (../).
 */
function sdkVersion(): string | undefined {
  for (const path of ['../../package.json', '../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { name?: unknown; version?: unknown };
      if (typeof manifest.name === 'string' && manifest.name.startsWith('@dotscience/') && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // not this one
    }
  }
  return undefined;
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

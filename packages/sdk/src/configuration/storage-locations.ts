import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from './configuration-errors.js';

/** Where the event log lives (DESIGN §7 store URLs). */
export type StoreLocation = { kind: 'fs'; directory: string } | { kind: 'hub'; url: string } | { kind: 'kurrentdb'; connectionString: string };

/** Where data versions live. */
export type DataLocation = { kind: 'fs'; directory: string } | { kind: 'zfs'; dataset: string } | { kind: 'hub'; url: string };

/** A setting's raw value and where it came from, for error messages. */
export interface SourcedValue {
  value: string;
  source: string;
  /** Relative paths in the value are relative to this directory. */
  baseDir: string;
}

function localPath(setting: string, { value, source, baseDir }: SourcedValue, path: string): string {
  if (path === '') throw new ConfigurationError(setting, source, `"${value}" names no directory; write e.g. file:./.dotscience`);
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function fileUrlPath(setting: string, sourced: SourcedValue): string {
  const { value, source } = sourced;
  if (value.startsWith('file://')) {
    try {
      return fileURLToPath(value);
    } catch (err) {
      throw new ConfigurationError(setting, source, `"${value}" is not a valid file URL (${(err as Error).message}); write file:./dir or file:///abs/dir`);
    }
  }
  return localPath(setting, sourced, value.slice('file:'.length));
}

function httpUrl(setting: string, { value, source }: SourcedValue): string {
  try {
    const url = new URL(value);
    return url.toString().replace(/\/$/, '');
  } catch {
    throw new ConfigurationError(setting, source, `"${value}" is not a valid URL; write e.g. https://hub.example.com`);
  }
}

/** `file:./.dotscience`, a plain path, `http(s)://hub`, `kurrentdb://host:2113` or `esdb://…`. */
export function parseStoreLocation(sourced: SourcedValue): StoreLocation {
  const { value, source } = sourced;
  if (value.startsWith('file:')) return { kind: 'fs', directory: fileUrlPath('store', sourced) };
  if (/^https?:\/\//i.test(value)) return { kind: 'hub', url: httpUrl('store', sourced) };
  if (/^(kurrentdb|kurrent|esdb)(\+discover)?:\/\//i.test(value)) return { kind: 'kurrentdb', connectionString: value };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new ConfigurationError(
      'store',
      source,
      `unknown store URL scheme in "${value}"; use file:<dir>, http(s)://<hub>, kurrentdb://<host:port> or esdb://<host:port>`,
    );
  }
  return { kind: 'fs', directory: localPath('store', sourced, value) };
}

/** `file:<dir>`, a plain path, `zfs:pool/dataset` or `http(s)://hub`. */
export function parseDataLocation(sourced: SourcedValue): DataLocation {
  const { value, source } = sourced;
  if (value.startsWith('zfs:')) {
    const dataset = value.slice('zfs:'.length);
    if (!/^[A-Za-z0-9][A-Za-z0-9_.:-]*(\/[A-Za-z0-9_.:-]+)*$/.test(dataset)) {
      throw new ConfigurationError('data', source, `"${value}" does not name a ZFS dataset; write zfs:<pool>/<dataset>`);
    }
    return { kind: 'zfs', dataset };
  }
  if (value.startsWith('file:')) return { kind: 'fs', directory: fileUrlPath('data', sourced) };
  if (/^https?:\/\//i.test(value)) return { kind: 'hub', url: httpUrl('data', sourced) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    throw new ConfigurationError('data', source, `unknown data URL scheme in "${value}"; use file:<dir>, zfs:<pool>/<dataset> or http(s)://<hub>`);
  }
  return { kind: 'fs', directory: localPath('data', sourced, value) };
}

import { join } from 'node:path';
import { AppendGate } from '@dotscience/core';
import { openDotscience, refuseMissingConfiguredStore, type Dotscience } from '../composition-root.js';
import { ConfigurationError } from '../configuration/configuration-errors.js';
import { resolveConfiguration, type ResolveOptions } from '../configuration/resolve-configuration.js';
import { keepReceipts, localFolderOf, startKeepingReceipts } from './kept-receipts.js';
import { syncStores, type SyncProgress, type SyncReport, type SyncSide } from './store-sync.js';

export interface HubSyncOptions extends ResolveOptions {
  /** The hub URL (default: the configured hub, e.g. DOTSCIENCE_HUB). */
  hub?: string;
  /** The hub token (default: the configured token, e.g. DOTSCIENCE_TOKEN). */
  token?: string;
  onProgress?: (progress: SyncProgress) => void;
}

interface SyncEnds {
  local: Dotscience;
  hub: Dotscience;
  hubUrl: string;
}

function sideOf(ds: Dotscience): SyncSide {
  // The fs and hub data stores hand out objects by digest (bound as ObjectStorage); ZFS and a per-path mix do not.
  if (ds.objects !== undefined) return { events: ds.events, objects: ds.objects };
  throw new ConfigurationError(
    'data',
    ds.configuration.sources.data,
    `push/pull copies data objects of an fs or hub data store, not of a ${ds.data.kind} store`,
  );
}

/** The local fs store (never the hub, whatever DOTSCIENCE_HUB says) and the hub. */
async function openEnds(options: HubSyncOptions): Promise<SyncEnds> {
  const configuration = resolveConfiguration(options);
  const env = options.env ?? process.env;
  const hubUrl = options.hub ?? options.settings?.hub ?? env.DOTSCIENCE_HUB ?? (configuration.store.kind === 'hub' ? configuration.store.url : undefined);
  if (hubUrl === undefined) throw new ConfigurationError('hub', 'unset', 'push and pull need a hub: pass --hub <url> or set DOTSCIENCE_HUB');
  const token = options.token ?? configuration.token;
  const localFolder = localFolderOf(configuration);
  const localData = configuration.data.kind === 'fs' ? configuration.data.directory : join(localFolder, 'data');
  const project = configuration.sources.project === 'default' ? {} : { project: configuration.projectId };
  // The local store of a configured path must exist; the default one is created by a first pull.
  refuseMissingConfiguredStore(configuration);
  const local = await openDotscience({
    ...options,
    settings: { ...project, store: `file:${localFolder}`, data: `file:${localData}` },
    waitForLock: true,
    createStore: true,
  });
  try {
    const hub = await openDotscience({ ...options, settings: { ...project, store: hubUrl, data: hubUrl, ...(token === undefined ? {} : { token }) } });
    return { local, hub, hubUrl };
  } catch (error) {
    await local.close();
    throw error;
  }
}

async function withEnds<T>(options: HubSyncOptions, use: (ends: SyncEnds) => Promise<T>): Promise<T> {
  const ends = await openEnds(options);
  try {
    return await use(ends);
  } finally {
    await Promise.all([ends.local.close(), ends.hub.close()]);
  }
}

/**
 * Copy the local store's events and data objects the hub lacks (idempotent, resumable).
 * The receipts the hub signed for the appends are kept in the local store's folder
 * (`receipts/<project>.ndjson`), also when the push fails part way: see `ds audit verify --receipts`.
 */
export function pushToHub(options: HubSyncOptions = {}): Promise<SyncReport> {
  // The hub's own gate checks what it is sent.
  return withEnds(options, async ({ local, hub, hubUrl }) => {
    startKeepingReceipts(hub.events);
    try {
      // Local versions go as the hub's copies settling them: the hub numbers them (D104).
      return await syncStores(sideOf(local), sideOf(hub), { ...(options.onProgress ? { onProgress: options.onProgress } : {}), settleVersions: true });
    } finally {
      await keepReceipts(local.receipts, hubUrl, hub.events);
    }
  });
}

/**
 * Copy the hub's events and data objects the local store lacks (idempotent, resumable).
 * The local store did not decide them: each passes the append gate first, and an event
 * it refuses (and the rest of its stream) stays out of the local store, named in the report.
 */
export function pullFromHub(options: HubSyncOptions = {}): Promise<SyncReport> {
  return withEnds(options, ({ local, hub }) =>
    syncStores(sideOf(hub), sideOf(local), {
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      gate: new AppendGate(local.events, { merging: true }),
    }),
  );
}

/** `ds sync`: push, then pull — every store ends with what the hub holds, its own versions settled. */
export async function syncWithHub(options: HubSyncOptions = {}): Promise<{ push: SyncReport; pull: SyncReport }> {
  const push = await pushToHub(options);
  const pull = await pullFromHub(options);
  return { push, pull };
}

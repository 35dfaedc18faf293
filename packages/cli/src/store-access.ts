import type { Command } from 'commander';
import { openDotscience, openForReading, type Dotscience, type OpenOptions, type Settings } from '@dotscience/sdk';

/** The global options every command inherits. */
export interface GlobalOptions {
  store?: string;
  data?: string;
  project?: string;
}

/** The explicit settings the global options give (they win over environment and config file). */
export function settingsOf(command: Command): Settings {
  const { store, data, project } = command.optsWithGlobals<GlobalOptions>();
  return {
    ...(store === undefined ? {} : { store }),
    ...(data === undefined ? {} : { data }),
    ...(project === undefined ? {} : { project }),
  };
}

function openOptionsOf(command: Command, extra: Pick<OpenOptions, 'createStore'> = {}): OpenOptions {
  return { settings: settingsOf(command), ...extra };
}

async function using<T>(ds: Dotscience, use: (ds: Dotscience) => Promise<T>): Promise<T> {
  try {
    return await use(ds);
  } finally {
    await ds.close();
  }
}

/** Read commands: the store must exist; the event log is opened without the writer lock. */
export async function withStoreForReading<T>(command: Command, use: (ds: Dotscience) => Promise<T>): Promise<T> {
  return using(await openForReading(openOptionsOf(command)), use);
}

/**
 * Commands that write (import, gc): the event log is opened with the writer
 * lock. A store path set by --store, the environment or the config file must
 * name a store unless `creates` (import builds a store from an export).
 */
export async function withStoreForWriting<T>(command: Command, use: (ds: Dotscience) => Promise<T>, creates = false): Promise<T> {
  return using(await openDotscience(openOptionsOf(command, { createStore: creates })), use);
}

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STORE_DIRECTORY_MODE, STORE_FILE_MODE } from '@dotscience/adapters-fs';
import { parseInput, projectCreatedEvent, projectStream } from '@dotscience/core';
import { openDotscience, type Dotscience, type OpenOptions } from '../composition-root.js';
import { ConfigurationError, StoreNotFoundError } from '../configuration/configuration-errors.js';
import {
  CONFIG_FILE,
  PROJECT_FOLDER,
  resolveConfiguration,
  SettingsSchema,
  type Configuration,
  type Settings,
} from '../configuration/resolve-configuration.js';

export interface InitializedProject {
  configFile: string;
  /** False when the config file was already there (init is idempotent). */
  configCreated: boolean;
  /** False when the project stream already had its ProjectCreated event. */
  projectCreated: boolean;
  configuration: Configuration;
}

/**
 * `ds init`: write `<cwd>/.dotscience/config.json` with the given settings,
 * create the store and record `ProjectCreated`. Running it again changes
 * nothing; settings that contradict an existing config file are refused.
 */
export async function initializeProject(options: { cwd: string; settings?: Settings; env?: Record<string, string | undefined> }): Promise<InitializedProject> {
  const settings = parseInput(SettingsSchema, options.settings ?? {}, 'ds init settings');
  const folder = join(options.cwd, PROJECT_FOLDER);
  const configFile = join(folder, CONFIG_FILE);
  let configCreated = false;
  if (existsSync(configFile)) {
    let existing: Record<string, unknown>;
    try {
      existing = JSON.parse(await readFile(configFile, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigurationError(
        'configuration',
        configFile,
        `cannot be read as JSON (${(err as Error).message}); fix the file or delete it and run ds init`,
      );
    }
    for (const [key, value] of Object.entries(settings)) {
      if (existing[key] !== value) {
        throw new ConfigurationError(
          key,
          configFile,
          `is already ${JSON.stringify(existing[key] ?? null)}, not ${JSON.stringify(value)}; edit the file to change it`,
        );
      }
    }
  } else {
    await mkdir(folder, { recursive: true, mode: STORE_DIRECTORY_MODE });
    await writeFile(configFile, `${JSON.stringify(settings, null, 2)}\n`, { flag: 'wx', mode: STORE_FILE_MODE });
    configCreated = true;
  }
  // The config file now holds the settings; open through it so the store is created where it says.
  const ds = await openDotscience({ cwd: options.cwd, ...(options.env ? { env: options.env } : {}), hashWorkers: 1, createStore: true });
  try {
    const stream = projectStream(ds.configuration.projectId);
    let projectCreated = true;
    for await (const _ of ds.events.readStream(stream, { maxCount: 1 })) projectCreated = false;
    if (projectCreated) {
      // The same event on every workstation (D124): two stores' creations of a project are one event.
      await ds.events.append(stream, [projectCreatedEvent(ds.configuration.projectId)], { expectedRevision: 'no_stream' });
    }
    return { configFile, configCreated, projectCreated, configuration: ds.configuration };
  } finally {
    await ds.close();
  }
}

/** Refuse to open a local store that does not exist (read commands must not create one). */
export function assertStoreExists(configuration: Configuration): void {
  if (configuration.store.kind !== 'fs') return;
  if (!existsSync(join(configuration.store.directory, 'events'))) throw new StoreNotFoundError(configuration.store.directory, configuration.sources.store);
}

/** Open for reading: the local store must exist, and the event log is opened without the writer lock. */
export async function openForReading(options: OpenOptions): Promise<Dotscience> {
  assertStoreExists(resolveConfiguration(options));
  return openDotscience({ ...options, readOnly: true });
}

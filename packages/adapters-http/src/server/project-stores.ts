import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataStore, EventStore, ObjectStorage } from '@dotscience/core';
import { ProjectIdSchema } from '../wire/wire-schemas.js';
import { DeferredWriterStore } from './deferred-writer-store.js';

/** The stores of one project on the hub. Projects never share a store. */
export interface ProjectStores {
  events: EventStore;
  data: DataStore;
  /** The data store's objects by digest (uploads and downloads); for an fs store, the store itself. */
  objects: ObjectStorage;
}

export interface ProjectStoreProvider {
  open(project: string): Promise<ProjectStores>;
  close(): Promise<void>;
}

export interface ProjectDirectoriesOptions {
  /** Where each project's event log lives: `<eventsRoot>/<project>`. */
  eventsRoot: string;
  /** Where each project's data objects live: `<dataRoot>/<project>`. */
  dataRoot: string;
  /** Opens a project's log as its writer (the one appends go through). */
  openEvents(directory: string): Promise<EventStore>;
  /**
   * Opens a project's log for reads only, cheaply (no check of every record): given, a project's
   * reads are answered from it at once and its writer is opened on the first append (D166).
   */
  openReader?(directory: string): Promise<EventStore>;
  openData(directory: string): DataStore & ObjectStorage & { close?(): Promise<void> };
}

/**
 * One event log and one data directory per project, opened on first use and
 * kept open. The project id was checked against `ProjectIdSchema` (no "/" or
 * ".."), so a project's directories stay under the roots.
 */
export class ProjectDirectories implements ProjectStoreProvider {
  private readonly opened = new Map<string, Promise<ProjectStores & { data: { close?(): Promise<void> } }>>();

  constructor(private readonly options: ProjectDirectoriesOptions) {}

  open(project: string): Promise<ProjectStores> {
    let stores = this.opened.get(project);
    if (!stores) {
      stores = (async () => {
        const events = join(this.options.eventsRoot, project);
        const data = join(this.options.dataRoot, project);
        // The hub's own directories are its user's only (0700): a project's log and objects are not for other local users.
        await Promise.all([mkdir(events, { recursive: true, mode: 0o700 }), mkdir(data, { recursive: true, mode: 0o700 })]);
        const store = this.options.openData(data);
        const { openEvents, openReader } = this.options;
        const log = openReader ? new DeferredWriterStore(await openReader(events), () => openEvents(events)) : await openEvents(events);
        return { events: log, data: store, objects: store };
      })();
      stores.catch(() => this.opened.delete(project));
      this.opened.set(project, stores);
    }
    return stores;
  }

  /** The projects that already have an event log (directories under the events root named as a project may be), sorted. */
  async existing(): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(this.options.eventsRoot, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return entries
      .filter((e) => e.isDirectory() && ProjectIdSchema.safeParse(e.name).success)
      .map((e) => e.name)
      .sort();
  }

  async close(): Promise<void> {
    const all = [...this.opened.values()];
    this.opened.clear();
    await Promise.all(
      all.map(async (p) => {
        const stores = await p.catch(() => undefined);
        if (!stores) return;
        await stores.events.close();
        await stores.data.close?.();
      }),
    );
  }
}

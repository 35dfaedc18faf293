import { WrongExpectedRevisionError } from '../errors/store-errors.js';
import type { DomainEvent, EventData, VersionRef } from '../events/catalogue.js';
import type { EventMeta } from '../events/envelope.js';
import { DEFAULT_PROJECT, projectDatasetStream, projectModelStream } from '../events/streams.js';
import type { JsonValue } from '../events/json.js';
import { withoutUndefined } from '../run/json-payload.js';
import { proposeEvents, readHistory } from './proposed-events.js';
import { MAX_CONFLICT_RETRIES, type RunServices } from './run-services.js';
import { decideVersion, type RecordedVersion, type VersionPolicy } from './version-numbering.js';

export interface VersionOutcome {
  /** The version the content is now: newly created, or the existing one it equals. */
  version: number;
  created: boolean;
}

function versionsIn(events: readonly DomainEvent[]): RecordedVersion[] {
  const versions: RecordedVersion[] = [];
  for (const e of events) {
    if (e.type === 'DatasetVersionCreated' || e.type === 'ModelVersionCreated') versions.push({ version: e.data.version, ref: e.data.ref });
  }
  return versions;
}

/**
 * Append a version event to a dataset or model stream: read the stream, number
 * the version (previous + 1), append with the stream's revision as expected
 * revision. On WrongExpectedRevisionError (another run published a version of
 * the same name meanwhile) it re-reads and renumbers: always safe, because the
 * number and the "same content already a version?" check are recomputed from
 * the stream as it now is — a retry never creates a duplicate or skips a number.
 */
async function appendVersion<T extends 'DatasetVersionCreated' | 'ModelVersionCreated'>(
  services: RunServices,
  meta: EventMeta,
  stream: string,
  type: T,
  ref: VersionRef,
  policy: VersionPolicy,
  payload: (version: number) => EventData<T>,
): Promise<VersionOutcome> {
  for (let attempt = 0; ; attempt++) {
    const { events, last } = await readHistory(services.events, stream, 0, services.upcasters);
    const decision = decideVersion(versionsIn(events), ref, policy);
    if (!decision.create) return { version: decision.version, created: false };
    const version = decision.version;
    const numbering = { by: services.numbersVersions ?? 'local' };
    const data = { ...(payload(version) as object), numbering };
    const event = { type, data: withoutUndefined(data) } as unknown as DomainEvent;
    try {
      await services.events.append(stream, proposeEvents([event], services.ids, meta), {
        expectedRevision: last ? last.revision : 'no_stream',
      });
      return { version, created: true };
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError && attempt < MAX_CONFLICT_RETRIES) continue;
      throw error;
    }
  }
}

export interface DatasetVersionInput {
  name: string;
  ref: VersionRef;
  path: string;
  /** The run that wrote it; absent for data that entered from outside. */
  producedBy?: string;
  policy: VersionPolicy;
  /** The project numbering it (D122): the run's; absent or 'default' is the default project. */
  project?: string;
}

/** The `project` field of a version event: left out for the default project, so its events are as before (D122). */
function projectField(project: string | undefined): { project?: string } {
  return project === undefined || project === DEFAULT_PROJECT ? {} : { project };
}

export function recordDatasetVersion(services: RunServices, meta: EventMeta, input: DatasetVersionInput): Promise<VersionOutcome> {
  return appendVersion(services, meta, projectDatasetStream(input.project, input.name), 'DatasetVersionCreated', input.ref, input.policy, (version) => ({
    name: input.name,
    version,
    ref: input.ref,
    bytes: input.ref.bytes,
    files: input.ref.files,
    producedBy: input.producedBy,
    path: input.path,
    ...projectField(input.project),
  }));
}

export interface ModelVersionInput {
  name: string;
  ref: VersionRef;
  path: string;
  producedBy: string;
  framework?: string;
  metrics: Record<string, JsonValue>;
  extra?: Record<string, JsonValue>;
  /** The project numbering it (D122): the run's. */
  project?: string;
}

/** A new model version unless the latest version has the same content. */
export function recordModelVersion(services: RunServices, meta: EventMeta, input: ModelVersionInput): Promise<VersionOutcome> {
  return appendVersion(services, meta, projectModelStream(input.project, input.name), 'ModelVersionCreated', input.ref, 'changed', (version) => ({
    name: input.name,
    version,
    ref: input.ref,
    producedBy: input.producedBy,
    framework: input.framework,
    path: input.path,
    metrics: input.metrics,
    extra: input.extra,
    ...projectField(input.project),
  }));
}

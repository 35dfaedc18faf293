import type { DomainEvent } from '../events/catalogue.js';
import type { EventMeta } from '../events/envelope.js';
import { DEFAULT_PROJECT, projectModelStream, runMetaStream } from '../events/streams.js';
import { defaultUpcasters, type UpcasterRegistry } from '../events/upcasting.js';
import { GatedEventStore } from '../gate/gated-event-store.js';
import type { EventStore } from '../ports/event-store.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { Decider } from '../run/decide.js';
import { currentSchemaVersion } from '../events/catalogue.js';
import { modelRegistryDecider, type ModelRegistryCommand } from './model-registry.js';
import { runAnnotationDecider, type RunAnnotationCommand } from './run-annotation.js';

/** What recording a registry change needs: the event log, ids, who writes. */
export interface RegistryWriter {
  readonly events: EventStore;
  readonly ids: IdGenerator;
  readonly meta: EventMeta;
  readonly upcasters?: UpcasterRegistry;
}

/**
 * Decide `command` on `stream` as its events so far say, and append what it decides
 * through the append gate (whatever store is behind), at the revision it was decided
 * on (a concurrent change makes the store refuse it). Returns the events recorded (none when nothing changes).
 */
async function recordOn<S, C>(
  writer: RegistryWriter,
  stream: string,
  decider: Decider<S, C, DomainEvent>,
  command: C,
  extra: Record<string, string> = {},
): Promise<DomainEvent[]> {
  const upcasters = writer.upcasters ?? defaultUpcasters;
  let state = decider.initialState;
  let revision = -1;
  for await (const recorded of writer.events.readStream(stream)) {
    state = decider.evolve(state, upcasters.upcast(recorded) as DomainEvent);
    revision = recorded.revision;
  }
  const decided = decider.decide(state, command);
  if (decided.length === 0) return decided;
  const events = decided.map((e) => ({
    id: writer.ids.newId(),
    type: e.type,
    schemaVersion: currentSchemaVersion[e.type],
    data: { ...e.data, ...extra },
    meta: writer.meta,
  }));
  await new GatedEventStore(writer.events, { upcasters }).append(stream, events, { expectedRevision: revision });
  return decided;
}

/** Record a change of model `name`'s registry (alias, tag, description) on its model stream: project `project`'s (D122; default: the default project's). */
export function changeModelRegistry(writer: RegistryWriter, name: string, command: ModelRegistryCommand, project?: string): Promise<DomainEvent[]> {
  const scoped: Record<string, string> = project === undefined || project === DEFAULT_PROJECT ? {} : { project };
  return recordOn(writer, projectModelStream(project, name), modelRegistryDecider(name), command, scoped);
}

/** Record a tag, note, archive, restore or delete of run `runId` on its runmeta stream (its run stream is untouched). */
export function annotateRun(writer: RegistryWriter, runId: string, command: RunAnnotationCommand): Promise<DomainEvent[]> {
  return recordOn(writer, runMetaStream(runId), runAnnotationDecider(runId), command);
}

import type { EventType } from '../events/catalogue.js';
import { categoryOf, idOf } from '../events/streams.js';
import { ownEntry, putEntry } from './own-keys.js';
import type { ProjectedEnvelope, ProjectedEvent, ProjectionHandler, ProjectionHandlers } from './projection.js';
import type { RunsState, RunView } from './run-view.js';

/** Who wrote an event, as `user@host`, when its writer said. */
export function writerOf(e: ProjectedEnvelope): string | null {
  const actor = e.meta.actor;
  return actor ? `${actor.user}@${actor.host}` : null;
}

/** A handler for an event of a runmeta stream, given the run it speaks of (skipped for a run never started). */
function onRunMeta<T extends EventType>(apply: (run: RunView, event: ProjectedEvent<T>) => void): ProjectionHandler<RunsState, T> {
  return (state, event) => {
    if (categoryOf(event.stream) !== 'runmeta') return state;
    const run = ownEntry(state, idOf(event.stream));
    if (run) apply(run, event);
    return state;
  };
}

/**
 * The runs projection's handlers for what is said of a run after the fact (its
 * `runmeta-<runId>` stream): tags, notes, archived, deleted. They never touch the
 * run's head, revision or seal, which are its own stream's.
 */
export const runAnnotationHandlers: ProjectionHandlers<RunsState> = {
  RunTagged: onRunMeta((run, e) => {
    const tags = run.tags ?? (run.tags = {});
    if (e.data.value !== null) putEntry(tags, e.data.key, e.data.value);
    else if (Object.hasOwn(tags, e.data.key)) delete tags[e.data.key];
  }),
  RunNoted: onRunMeta((run, e) => {
    (run.notes ?? (run.notes = [])).push({ note: e.data.note, at: e.recordedAt, by: writerOf(e) });
  }),
  RunArchived: onRunMeta((run) => {
    run.archived = true;
  }),
  RunRestored: onRunMeta((run) => {
    run.archived = false;
  }),
  RunDeleted: onRunMeta((run, e) => {
    run.deleted = { reason: e.data.reason, at: e.recordedAt, by: writerOf(e) };
  }),
};

import type { DomainEvent } from '../events/catalogue.js';
import type { Decider } from '../run/decide.js';
import { RegistryError } from './registry-errors.js';

/** What a run's meta stream says so far: archived, deleted. */
export interface RunAnnotationState {
  readonly runId: string;
  readonly archived: boolean;
  readonly deleted: boolean;
}

export type RunAnnotationCommand =
  | { kind: 'tag'; key: string; value: string | null }
  | { kind: 'note'; note: string }
  | { kind: 'archive' }
  | { kind: 'restore' }
  | { kind: 'delete'; reason: string };

export function evolveRunAnnotation(state: RunAnnotationState, event: DomainEvent): RunAnnotationState {
  if (event.type === 'RunArchived') return { ...state, archived: true };
  if (event.type === 'RunRestored') return { ...state, archived: false };
  if (event.type === 'RunDeleted') return { ...state, deleted: true };
  return state;
}

/**
 * The events that say something of a run after the fact. A deleted run takes no
 * more; archiving an archived run or restoring one that is not archived records nothing.
 */
export function decideRunAnnotation(state: RunAnnotationState, command: RunAnnotationCommand): DomainEvent[] {
  const runId = state.runId;
  if (state.deleted)
    throw new RegistryError('RUN_DELETED', `run ${runId} is deleted; nothing more is recorded of it (\`ds audit\` keeps who deleted it and why)`);
  switch (command.kind) {
    case 'tag':
      return [{ type: 'RunTagged', data: { runId, key: command.key, value: command.value } }];
    case 'note':
      return [{ type: 'RunNoted', data: { runId, note: command.note } }];
    case 'archive':
      return state.archived ? [] : [{ type: 'RunArchived', data: { runId } }];
    case 'restore':
      return state.archived ? [{ type: 'RunRestored', data: { runId } }] : [];
    case 'delete':
      return [{ type: 'RunDeleted', data: { runId, reason: command.reason } }];
  }
}

export function runAnnotationDecider(runId: string): Decider<RunAnnotationState, RunAnnotationCommand, DomainEvent> {
  return { initialState: { runId, archived: false, deleted: false }, evolve: evolveRunAnnotation, decide: decideRunAnnotation };
}

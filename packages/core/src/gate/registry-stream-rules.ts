import type { DomainEvent } from '../events/catalogue.js';
import { versionKey } from '../projections/version-settlement.js';
import { StreamRuleError } from './gate-errors.js';
import { checkVersionStream, type VersionStreamRules } from './version-stream-rules.js';

/** The model registry's events: recorded on a model stream beside its versions. */
export const modelRegistryEventTypes = new Set(['ModelAliasSet', 'ModelAliasRemoved', 'ModelVersionTagged', 'ModelDescribed']);

/** What is said of a run after the fact, on its `runmeta-<runId>` stream. */
export const runMetaEventTypes = new Set(['RunTagged', 'RunNoted', 'RunArchived', 'RunRestored', 'RunDeleted']);

/** A `runmeta-<runId>` stream as the gate knows it: whose it is, and whether the run was deleted. */
export interface RunMetaStreamRules {
  readonly category: 'runmeta';
  readonly runId: string;
  readonly deleted: boolean;
}

/**
 * Admit a registry event on a model stream: the stream's model, and a version the
 * stream holds — by its identity when the event carries one (D126), else by number. It changes nothing the gate keeps (aliases are the
 * projection's: moving one is setting it again).
 */
export function admitModelRegistryEvent(rules: VersionStreamRules, event: DomainEvent): void {
  const data = event.data as { name: string; version?: number; versionIdentity?: string; project?: string };
  checkVersionStream(rules, event.type, data);
  if (data.versionIdentity !== undefined) {
    // The version whatever number this store gave it (D126): a workstation's provisional number differs from the hub's.
    if (!rules.versions.some((v) => versionKey(v.ref, v.producedBy) === data.versionIdentity)) {
      throw new StreamRuleError(
        'MODEL_VERSION_UNKNOWN',
        `model ${rules.name} holds no version with the content and producing run ${JSON.stringify(data.versionIdentity)} the ${event.type} names; push or pull that version first`,
      );
    }
    return;
  }
  if (data.version !== undefined && !rules.versions.some((v) => v.version === data.version)) {
    const known = rules.versions.map((v) => v.version).join(', ') || 'none';
    throw new StreamRuleError('MODEL_VERSION_UNKNOWN', `model ${rules.name} has no version ${data.version} (versions: ${known})`);
  }
}

/**
 * Admit an event on a run's meta stream: one of its types, naming the stream's run,
 * a run this store holds, and not after the run's deletion. Returns the rules after it.
 */
export function admitRunMetaEvent(rules: RunMetaStreamRules, event: DomainEvent, runStarted: (runId: string) => boolean): RunMetaStreamRules {
  if (!runMetaEventTypes.has(event.type)) {
    throw new StreamRuleError('EVENT_NOT_IN_STREAM', `a runmeta stream holds ${[...runMetaEventTypes].join(', ')} only, not ${event.type}`);
  }
  const { runId } = event.data as { runId: string };
  if (runId !== rules.runId)
    throw new StreamRuleError('RUN_ID_MISMATCH', `the ${event.type} names run ${JSON.stringify(runId)} but the stream is run ${JSON.stringify(rules.runId)}'s`);
  if (!runStarted(runId)) throw new StreamRuleError('RUN_UNKNOWN', `this store holds no run ${JSON.stringify(runId)} to tag, note, archive or delete`);
  if (rules.deleted) throw new StreamRuleError('RUN_DELETED', `run ${runId} is deleted; nothing more is recorded of it`);
  return event.type === 'RunDeleted' ? { ...rules, deleted: true } : rules;
}

/** A recorded runmeta event added without judging it. */
export function recordedRunMeta(rules: RunMetaStreamRules, event: DomainEvent): RunMetaStreamRules {
  return event.type === 'RunDeleted' ? { ...rules, deleted: true } : rules;
}

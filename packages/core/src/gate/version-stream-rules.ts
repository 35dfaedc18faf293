import { decideVersion, type RecordedVersion } from '../application/version-numbering.js';
import type { DomainEvent } from '../events/catalogue.js';
import { StreamRuleError } from './gate-errors.js';

export type VersionEventType = 'DatasetVersionCreated' | 'ModelVersionCreated';

/** A dataset or model stream as the gate knows it: its name and the versions recorded so far. */
export interface VersionStreamRules {
  readonly category: 'dataset' | 'model';
  readonly eventType: VersionEventType;
  readonly name: string;
  readonly versions: readonly RecordedVersion[];
}

/**
 * Admit a version event: the stream's own type and name; the number the SDK's
 * version numbering gives (`decideVersion`: the latest + 1) for content that is not
 * the latest version's; a producing run this store holds (the SDK appends versions
 * while publishing the run, so the run is started first). Returns the new versions.
 */
export function admitVersionEvent(rules: VersionStreamRules, event: DomainEvent, runStarted: (runId: string) => boolean): RecordedVersion[] {
  if (event.type !== rules.eventType) {
    throw new StreamRuleError('EVENT_NOT_IN_STREAM', `a ${rules.category} stream holds ${rules.eventType} events only, not ${event.type}`);
  }
  const data = event.data as { name: string; version: number; ref: RecordedVersion['ref']; producedBy?: string };
  if (data.name !== rules.name) {
    throw new StreamRuleError('VERSION_NAME_MISMATCH', `the version names ${rules.category} ${JSON.stringify(data.name)} but the stream is ${JSON.stringify(rules.name)}'s`);
  }
  const decision = decideVersion(rules.versions, data.ref, 'changed');
  if (!decision.create) {
    throw new StreamRuleError('VERSION_UNCHANGED', `its content is already the latest version (${decision.version}) of ${rules.category} ${rules.name}; a new version needs new content`);
  }
  if (data.version !== decision.version) {
    throw new StreamRuleError('VERSION_NUMBER', `it is numbered ${data.version}, but the next version of ${rules.category} ${rules.name} is ${decision.version}`);
  }
  if (data.producedBy !== undefined && !runStarted(data.producedBy)) {
    throw new StreamRuleError('PRODUCING_RUN_UNKNOWN', `it names run ${JSON.stringify(data.producedBy)} as its producer, and this store holds no such started run`);
  }
  return [...rules.versions, { version: data.version, ref: data.ref }];
}

/** A recorded version event (already in a store) added to what the gate knows, without judging it. */
export function recordedVersion(rules: VersionStreamRules, event: DomainEvent): RecordedVersion[] {
  if (event.type !== rules.eventType) return rules.versions as RecordedVersion[];
  return [...rules.versions, { version: event.data.version, ref: event.data.ref }];
}

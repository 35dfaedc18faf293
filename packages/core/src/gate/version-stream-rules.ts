import { decideVersion, type RecordedVersion } from '../application/version-numbering.js';
import type { DomainEvent, VersionRef } from '../events/catalogue.js';
import type { VersionNumbering } from '../events/version-numbering.js';
import { contentKey } from '../projections/version-matching.js';
import { projectOfVersion, versionStreamId } from '../events/streams.js';
import { StreamRuleError } from './gate-errors.js';

export type VersionEventType = 'DatasetVersionCreated' | 'ModelVersionCreated';

/** A version as the gate knows it: its number, content, producer and who numbered it. */
export interface GateVersion extends RecordedVersion {
  producedBy?: string;
  /** 'hub' and events before numbering was recorded: settled; 'local': provisional. */
  settled: boolean;
  /** Numbered by the hub (not only recorded before numbering was). */
  byHub: boolean;
  /** The project numbering it (D122). */
  project: string;
}

/** A dataset or model stream as the gate knows it: its id (a project's name, D122) and the versions recorded so far. */
export interface VersionStreamRules {
  readonly category: 'dataset' | 'model';
  readonly eventType: VersionEventType;
  /** The stream's id: the dataset or model name, `<project>:<name>` for a project other than the default (versionStreamId). */
  readonly name: string;
  readonly versions: readonly GateVersion[];
}

interface VersionData {
  name: string;
  version: number;
  ref: VersionRef;
  producedBy?: string;
  numbering?: VersionNumbering;
  project?: string;
}

/**
 * The stream holds the versions of one project's dataset or model (D122): the event's project and
 * name must name this stream, and a stream holds one project's versions (a default-project name
 * holding ':' could name another project's stream).
 */
export function checkVersionStream(rules: VersionStreamRules, type: string, data: { name: string; project?: string }): void {
  const expected = versionStreamId(data.project, data.name);
  if (expected !== rules.name) {
    throw new StreamRuleError(
      'VERSION_NAME_MISMATCH',
      `the ${type} names ${rules.category} ${JSON.stringify(data.name)} of project ${JSON.stringify(projectOfVersion(data))}, whose stream is ${rules.category}-${expected}, not ${rules.category}-${rules.name}`,
    );
  }
  const other = rules.versions.find((v) => v.project !== projectOfVersion(data));
  if (other) {
    throw new StreamRuleError(
      'VERSION_PROJECT_MISMATCH',
      `${rules.category}-${rules.name} holds project ${JSON.stringify(other.project)}'s versions, not project ${JSON.stringify(projectOfVersion(data))}'s; a stream holds one project's versions`,
    );
  }
}

/**
 * Admit a version event (docs/decisions.md D104): the stream's own type and name; a producing
 * run this store holds (the SDK appends versions while publishing the run, so the run is
 * started first); and its number —
 * - a version written fresh (no `settles`): content that is not the latest version's, numbered
 *   latest + 1 (`decideVersion`, the SDK's own numbering);
 * - the hub's copy settling a local version (`settles`): numbered by the hub, next after the
 *   settled versions, for a version (content and producing run) the stream has not settled yet;
 * - `merging` (a pull: the hub already judged the numbers it gives): any number, once per version.
 * Returns the versions after it.
 */
export function admitVersionEvent(rules: VersionStreamRules, event: DomainEvent, runStarted: (runId: string) => boolean, merging = false): GateVersion[] {
  if (event.type !== rules.eventType) {
    throw new StreamRuleError('EVENT_NOT_IN_STREAM', `a ${rules.category} stream holds ${rules.eventType} events only, not ${event.type}`);
  }
  const data = event.data as VersionData;
  checkVersionStream(rules, event.type, data);
  const settling = data.numbering?.settles !== undefined;
  if (settling && data.numbering?.by !== 'hub') {
    throw new StreamRuleError(
      'VERSION_NUMBERING',
      `only the hub settles a version; numbering ${JSON.stringify(data.numbering)} names the local event it settles but is not by 'hub'`,
    );
  }
  if (settling || merging) {
    const key = contentKey(data.ref);
    // A pull may settle a version this store recorded before numbering was recorded; the hub settles each once.
    const settledBefore = (v: GateVersion): boolean => (merging ? v.byHub : v.settled);
    if (key !== null && rules.versions.some((v) => settledBefore(v) && contentKey(v.ref) === key && (v.producedBy ?? '') === (data.producedBy ?? ''))) {
      throw new StreamRuleError(
        'VERSION_ALREADY_SETTLED',
        `${rules.category} ${rules.name} already holds a settled version with this content from this producing run; a version is settled once`,
      );
    }
    const next = rules.versions.reduce((max, v) => (v.settled && v.version > max ? v.version : max), 0) + 1;
    if (!merging && data.version !== next) {
      throw new StreamRuleError('VERSION_NUMBER', `it is numbered ${data.version}, but the next settled version of ${rules.category} ${rules.name} is ${next}`);
    }
  } else {
    const decision = decideVersion(rules.versions, data.ref, 'changed');
    if (!decision.create) {
      throw new StreamRuleError(
        'VERSION_UNCHANGED',
        `its content is already the latest version (${decision.version}) of ${rules.category} ${rules.name}; a new version needs new content`,
      );
    }
    if (data.version !== decision.version) {
      throw new StreamRuleError(
        'VERSION_NUMBER',
        `it is numbered ${data.version}, but the next version of ${rules.category} ${rules.name} is ${decision.version}`,
      );
    }
  }
  if (data.producedBy !== undefined && !runStarted(data.producedBy)) {
    throw new StreamRuleError(
      'PRODUCING_RUN_UNKNOWN',
      `it names run ${JSON.stringify(data.producedBy)} as its producer, and this store holds no such started run`,
    );
  }
  return [...rules.versions, gateVersionOf(data)];
}

function gateVersionOf(data: VersionData): GateVersion {
  const by = data.numbering?.by;
  return {
    version: data.version,
    ref: data.ref,
    ...(data.producedBy === undefined ? {} : { producedBy: data.producedBy }),
    settled: by !== 'local',
    byHub: by === 'hub',
    project: projectOfVersion(data),
  };
}

/** A recorded version event (already in a store) added to what the gate knows, without judging it. */
export function recordedVersion(rules: VersionStreamRules, event: DomainEvent): GateVersion[] {
  if (event.type !== rules.eventType) return rules.versions as GateVersion[];
  return [...rules.versions, gateVersionOf(event.data as VersionData)];
}

import type { VersionRef } from '@dotscience/sdk';

interface LabelledVersion {
  version: number;
  ref: VersionRef;
  numbering: 'local' | 'hub' | 'recorded';
}

/**
 * How a version is named in tables (docs/decisions.md D104): `name@N`; a number this store
 * gave a version that a hub has not settled yet, once the name is shared (some version of it
 * was numbered by the hub), is only a claim and shows as `name@local-<first digest digits>`.
 */
export function versionLabel(name: string, version: LabelledVersion, versions: readonly LabelledVersion[]): string {
  if (version.numbering === 'local' && versions.some((v) => v.numbering === 'hub')) {
    const digest = version.ref.digest ?? version.ref.snapshotId ?? String(version.version);
    return `${name}@local-${digest.replace(/^sha256:/, '').slice(0, 4)}`;
  }
  return `${name}@${version.version}`;
}

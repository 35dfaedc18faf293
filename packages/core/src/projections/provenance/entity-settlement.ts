import type { VersionRef } from '../../events/catalogue.js';
import type { VersionNumbering } from '../../events/version-numbering.js';
import { ownEntry, putEntry } from '../own-keys.js';
import { contentKey } from '../version-matching.js';
import { numberedBy, placeVersionEvent, settleView, type VersionNumberedBy } from '../version-settlement.js';
import { relationKey, type ProvenanceGraph } from './graph.js';

/**
 * Provenance ids that settle (docs/decisions.md D125): a version's entity is
 * `<kind>:<name>@<number>` under the number it holds in this store, unless another
 * version holds that number — a provisional local number yields to a settled one and is
 * `<kind>:<name>@local-<digest>` until the hub's copy settles it, when the entity (and
 * every relation naming it) takes the settled number. Once every store holds the hub's
 * numbers, every store names every entity alike.
 */
export interface EntityVersion {
  version: number;
  ref: VersionRef;
  producedBy: string | null;
  numbering: VersionNumberedBy;
  /** The entity's id now. */
  id: string;
}

/** What renaming an entity rewrites: the graph and the used/generated indices. */
export interface EntityIndex {
  graph: ProvenanceGraph;
  usedBy: Record<string, string[]>;
  generatedBy: Record<string, string[]>;
}

export interface VersionEventFields {
  version: number;
  ref: VersionRef;
  producedBy?: string;
  numbering?: VersionNumbering;
}

export type EntityPlacement = { kind: 'present'; view: EntityVersion } | { kind: 'settled'; view: EntityVersion } | { kind: 'new'; view: EntityVersion };

const numberedId = (prefix: string, version: number): string => `${prefix}@${version}`;

/** The id a provisional version takes while its number is another's: its content, then its producer if that is taken too. */
function provisionalId(index: EntityIndex, prefix: string, view: Pick<EntityVersion, 'ref' | 'producedBy' | 'version'>): string {
  const content = (contentKey(view.ref) ?? String(view.version)).replace(/^sha256:/, '');
  const id = `${prefix}@local-${content.slice(0, 8)}`;
  return Object.hasOwn(index.graph.entities, id) ? `${id}-${(view.producedBy ?? 'none').slice(0, 8)}` : id;
}

function renameIn(list: string[] | undefined, from: string, to: string): void {
  if (!list) return;
  const at = list.indexOf(from);
  if (at !== -1) list[at] = to;
}

/** Rename an entity everywhere it is named. */
function renameEntity(index: EntityIndex, from: string, to: string): void {
  const { graph } = index;
  const entity = ownEntry(graph.entities, from);
  if (!entity || from === to) return;
  delete graph.entities[from];
  putEntry(graph.entities, to, { ...entity, id: to });
  for (const [key, r] of Object.entries(graph.used)) {
    if (r.entity !== from) continue;
    delete graph.used[key];
    putEntry(graph.used, relationKey(r.activity, to), { ...r, entity: to });
    renameIn(ownEntry(index.usedBy, r.activity), from, to);
  }
  for (const [key, r] of Object.entries(graph.wasGeneratedBy)) {
    if (r.entity !== from) continue;
    delete graph.wasGeneratedBy[key];
    putEntry(graph.wasGeneratedBy, relationKey(to, r.activity), { ...r, entity: to });
    renameIn(ownEntry(index.generatedBy, r.activity), from, to);
  }
  for (const [key, r] of Object.entries(graph.wasDerivedFrom)) {
    if (r.generatedEntity !== from && r.usedEntity !== from) continue;
    delete graph.wasDerivedFrom[key];
    const moved = { ...r, generatedEntity: r.generatedEntity === from ? to : r.generatedEntity, usedEntity: r.usedEntity === from ? to : r.usedEntity };
    putEntry(graph.wasDerivedFrom, relationKey(moved.generatedEntity, moved.usedEntity), moved);
  }
}

/** Free `id` for a settled version: a provisional version holding it moves to its provisional id. */
function evict(index: EntityIndex, versions: readonly EntityVersion[], prefix: string, id: string): void {
  const holder = versions.find((v) => v.id === id);
  if (!holder || holder.numbering !== 'local') return;
  const moved = provisionalId(index, prefix, holder);
  renameEntity(index, id, moved);
  holder.id = moved;
}

/**
 * Place a version event among the versions of one dataset or model (`prefix`: `dataset:<name>`)
 * and say which entity it is: a version already there, one it settles (renamed to its number),
 * or a new one (its id chosen; the caller adds the entity).
 */
export function placeEntityVersion(index: EntityIndex, versions: EntityVersion[], prefix: string, event: VersionEventFields): EntityPlacement {
  const place = placeVersionEvent(versions, event);
  if (place.kind === 'present') return place;
  const wanted = numberedId(prefix, event.version);
  if (place.kind === 'settles') {
    const view = place.view;
    if (view.id !== wanted) {
      evict(index, versions, prefix, wanted);
      renameEntity(index, view.id, wanted);
      view.id = wanted;
    }
    const entity = ownEntry(index.graph.entities, wanted);
    if (entity) entity.version = event.version;
    settleView(view, event.version);
    return { kind: 'settled', view };
  }
  const numbering = numberedBy(event.numbering);
  // Every version's id names an entity of the graph, so an id no entity has is no version's (and the versions need no scan).
  const taken = Object.hasOwn(index.graph.entities, wanted) && versions.some((v) => v.id === wanted);
  const view: EntityVersion = { version: event.version, ref: event.ref, producedBy: event.producedBy ?? null, numbering, id: wanted };
  if (taken && numbering !== 'local') evict(index, versions, prefix, wanted);
  if (taken && numbering === 'local') view.id = provisionalId(index, prefix, view);
  versions.push(view);
  return { kind: 'new', view };
}

/** The entity a resolved input reads: the version with that number and content. */
export function entityOfInput(versions: readonly EntityVersion[] | undefined, version: number, ref: VersionRef): string | undefined {
  const content = contentKey(ref);
  return versions?.find((v) => v.version === version && contentKey(v.ref) === content)?.id;
}

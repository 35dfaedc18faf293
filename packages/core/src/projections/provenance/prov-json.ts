import type { JsonValue } from '../../events/json.js';
import { nodeLabel, type ProvenanceGraph } from './graph.js';

type Attributes = { [key: string]: JsonValue };

/** PROV-JSON (W3C member submission) of a provenance graph. */
export interface ProvJsonDocument {
  prefix: Record<string, string>;
  entity: Record<string, Attributes>;
  activity: Record<string, Attributes>;
  agent: Record<string, Attributes>;
  used: Record<string, Attributes>;
  wasGeneratedBy: Record<string, Attributes>;
  wasDerivedFrom: Record<string, Attributes>;
  wasAssociatedWith: Record<string, Attributes>;
}

/** Namespaces of the node ids' prefixes, and `ds` for dotscience's own attributes. */
export const provNamespaces = {
  ds: 'urn:dotscience:ns#',
  dataset: 'urn:dotscience:dataset:',
  model: 'urn:dotscience:model:',
  run: 'urn:dotscience:run:',
  user: 'urn:dotscience:user:',
} as const;

/**
 * A node id as a PROV qualified name: characters PROV-N does not allow in a
 * local name are percent-encoded (ids made of letters, digits and `_-.@/` are
 * unchanged).
 */
export function provQualifiedName(id: string): string {
  const colon = id.indexOf(':');
  const local = id
    .slice(colon + 1)
    .replace(/[^A-Za-z0-9_\-.:/@~&+*?#$!=]/gu, (c) =>
      [...new TextEncoder().encode(c)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
    );
  return `${id.slice(0, colon)}:${local}`;
}

const qualified = (value: string): JsonValue => ({ $: value, type: 'prov:QUALIFIED_NAME' });
const sortedValues = <T>(record: Record<string, T>): T[] =>
  Object.keys(record)
    .sort()
    .map((k) => record[k]!);

function withoutNulls(attributes: Record<string, JsonValue>): Attributes {
  return Object.fromEntries(Object.entries(attributes).filter(([, v]) => v !== null));
}

/** Render a provenance graph (whole or a `lineageOf` subgraph) as a PROV-JSON document. */
export function toProvJson(graph: ProvenanceGraph): ProvJsonDocument {
  const doc: ProvJsonDocument = {
    prefix: { ...provNamespaces },
    entity: {},
    activity: {},
    agent: {},
    used: {},
    wasGeneratedBy: {},
    wasDerivedFrom: {},
    wasAssociatedWith: {},
  };
  const q = provQualifiedName;
  for (const e of sortedValues(graph.entities)) {
    doc.entity[q(e.id)] = withoutNulls({
      'prov:type': qualified(e.kind === 'dataset' ? 'ds:DatasetVersion' : 'ds:ModelVersion'),
      'prov:label': nodeLabel(graph, e.id),
      'ds:name': e.name,
      'ds:version': e.version,
      'ds:digest': e.digest,
      'ds:path': e.path,
    });
  }
  for (const a of sortedValues(graph.activities)) {
    doc.activity[q(a.id)] = withoutNulls({
      'prov:type': qualified('ds:Run'),
      'prov:label': nodeLabel(graph, a.id),
      'prov:startTime': a.startedAt,
      'prov:endTime': a.endedAt,
      'ds:status': a.status,
      'ds:project': a.projectId,
    });
  }
  for (const a of sortedValues(graph.agents)) {
    doc.agent[q(a.id)] = { 'prov:type': qualified('prov:Person'), 'prov:label': a.user };
  }
  sortedValues(graph.used).forEach((r, i) => (doc.used[`_:u${i + 1}`] = { 'prov:activity': q(r.activity), 'prov:entity': q(r.entity) }));
  sortedValues(graph.wasGeneratedBy).forEach((r, i) => (doc.wasGeneratedBy[`_:g${i + 1}`] = { 'prov:entity': q(r.entity), 'prov:activity': q(r.activity) }));
  sortedValues(graph.wasDerivedFrom).forEach(
    (r, i) =>
      (doc.wasDerivedFrom[`_:d${i + 1}`] = {
        'prov:generatedEntity': q(r.generatedEntity),
        'prov:usedEntity': q(r.usedEntity),
        'prov:activity': q(r.activity),
      }),
  );
  sortedValues(graph.wasAssociatedWith).forEach(
    (r, i) => (doc.wasAssociatedWith[`_:a${i + 1}`] = { 'prov:activity': q(r.activity), 'prov:agent': q(r.agent) }),
  );
  return doc;
}

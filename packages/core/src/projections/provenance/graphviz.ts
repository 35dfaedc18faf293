import { nodeLabel, provEdges, type ProvenanceGraph, type ProvRelation } from './graph.js';

const quote = (text: string): string => `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/** PROV's conventional shapes and colours: entities yellow ellipses, activities blue boxes, agents orange houses. */
const nodeStyle = {
  entity: 'shape=ellipse, style=filled, fillcolor="#FFFC87"',
  activity: 'shape=box, style=filled, fillcolor="#9FB1FC"',
  agent: 'shape=house, style=filled, fillcolor="#FED37F"',
} as const;

const edgeStyle: Record<ProvRelation, string> = {
  used: '',
  wasGeneratedBy: '',
  wasDerivedFrom: ', style=dashed',
  wasAssociatedWith: ', style=dotted',
};

/**
 * Graphviz DOT of a provenance graph. Edges point as PROV's relations do, from
 * the later thing to the earlier (`run -> dataset` for used), drawn bottom-up
 * so sources sit at the top.
 */
export function toDot(graph: ProvenanceGraph, title = 'provenance'): string {
  const lines = [`digraph ${quote(title)} {`, '  rankdir=BT;', '  node [fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  const node = (id: string, style: string): void => {
    lines.push(`  ${quote(id)} [label=${quote(nodeLabel(graph, id))}, ${style}];`);
  };
  for (const id of Object.keys(graph.entities).sort()) node(id, nodeStyle.entity);
  for (const id of Object.keys(graph.activities).sort()) node(id, nodeStyle.activity);
  for (const id of Object.keys(graph.agents).sort()) node(id, nodeStyle.agent);
  for (const { from, to, relation } of provEdges(graph)) {
    lines.push(`  ${quote(from)} -> ${quote(to)} [label=${quote(relation)}${edgeStyle[relation]}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

import { nodeLabel, provEdges, type ProvenanceGraph } from './graph.js';

/** Mermaid wants plain node ids; labels go in quotes with `"` written as an entity code. */
const text = (label: string): string => `"${label.replace(/"/g, '#quot;').replace(/\n/g, ' ')}"`;

/**
 * A Mermaid flowchart of a provenance graph: entities as stadiums, runs as
 * boxes, users as trapezoids, each edge labelled with its PROV relation and
 * pointing as the relation does. Each node's PROV id is kept in a comment.
 */
export function toMermaid(graph: ProvenanceGraph): string {
  const lines = ['flowchart BT'];
  const ids = new Map<string, string>();
  const node = (id: string, open: string, close: string): void => {
    const short = `n${ids.size}`;
    ids.set(id, short);
    lines.push(`  %% ${short} = ${id.replace(/\n/g, ' ')}`, `  ${short}${open}${text(nodeLabel(graph, id))}${close}`);
  };
  const entities = Object.keys(graph.entities).sort();
  const activities = Object.keys(graph.activities).sort();
  const agents = Object.keys(graph.agents).sort();
  for (const id of entities) node(id, '([', '])');
  for (const id of activities) node(id, '[', ']');
  for (const id of agents) node(id, '[/', '\\]');
  const ref = (id: string): string => {
    if (!ids.has(id)) node(id, '[', ']'); // a relation to a node the graph does not describe (a run never started)
    return ids.get(id)!;
  };
  for (const { from, to, relation } of provEdges(graph)) {
    const arrow = relation === 'used' || relation === 'wasGeneratedBy' ? '-->' : '-.->';
    lines.push(`  ${ref(from)} ${arrow}|${relation}| ${ref(to)}`);
  }
  lines.push('  classDef entity fill:#FFFC87,stroke:#808080', '  classDef activity fill:#9FB1FC,stroke:#0000FF', '  classDef agent fill:#FED37F,stroke:#000');
  const classOf = (list: string[], cls: string): void => {
    if (list.length > 0) lines.push(`  class ${list.map((id) => ids.get(id)!).join(',')} ${cls}`);
  };
  classOf(entities, 'entity');
  classOf(activities, 'activity');
  classOf(agents, 'agent');
  return `${lines.join('\n')}\n`;
}

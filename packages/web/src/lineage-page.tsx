import { useEffect, useRef, useState } from 'preact/hooks';
import cytoscape from 'cytoscape';
import dagre from 'cytoscape-dagre';
import type { ProvenanceGraph } from '@dotscience/core';
import type { HubApi } from './hub-api.js';
import { href } from './routes.js';

cytoscape.use(dagre);

/** Cytoscape elements of a PROV graph: entities and runs as nodes, used / wasGeneratedBy as edges (data flows left to right). */
function elementsOf(graph: ProvenanceGraph, focus: string): cytoscape.ElementDefinition[] {
  const nodes: cytoscape.ElementDefinition[] = [
    ...Object.values(graph.entities).map((e) => ({
      data: { id: e.id, label: `${e.kind === 'model' ? '◆' : '▤'} ${e.name} v${e.version}`, kind: e.kind, focus: e.id === focus ? 1 : 0 },
    })),
    ...Object.values(graph.activities).map((a) => ({ data: { id: a.id, label: `run ${a.runId.slice(0, 13)}`, kind: 'run', focus: a.id === focus ? 1 : 0 } })),
  ];
  const edges: cytoscape.ElementDefinition[] = [
    ...Object.values(graph.used).map((u) => ({ data: { id: `used:${u.activity}:${u.entity}`, source: u.entity, target: u.activity, label: 'used' } })),
    ...Object.values(graph.wasGeneratedBy).map((g) => ({
      data: { id: `gen:${g.entity}:${g.activity}`, source: g.activity, target: g.entity, label: 'generated' },
    })),
  ];
  return [...nodes, ...edges];
}

/** Where clicking a node goes: a run opens its page, a dataset or model version re-centres the graph on it. */
function destinationOf(id: string): string {
  return id.startsWith('run:') ? href.run(id.slice('run:'.length)) : href.lineage(id);
}

/** The provenance graph around a run, dataset or model version: laid out by dagre, pan/zoom, click to navigate. */
export function LineagePage({ api, node }: { api: HubApi; node: string }) {
  const container = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [resolved, setResolved] = useState<string | null>(null);
  useEffect(() => {
    let cy: cytoscape.Core | undefined;
    api.lineage(node).then(
      ({ node: id, graph }) => {
        setResolved(id);
        cy = cytoscape({
          container: container.current!,
          elements: elementsOf(graph, id),
          layout: { name: 'dagre', rankDir: 'LR', nodeSep: 30, rankSep: 80 } as cytoscape.LayoutOptions,
          style: [
            {
              selector: 'node',
              style: {
                label: 'data(label)',
                'font-size': 11,
                'text-valign': 'bottom',
                'text-margin-y': 4,
                width: 26,
                height: 26,
                'background-color': '#7a8aa0',
              },
            },
            { selector: 'node[kind = "run"]', style: { shape: 'round-rectangle', 'background-color': '#1c5fd1' } },
            { selector: 'node[kind = "model"]', style: { shape: 'diamond', 'background-color': '#d1491c' } },
            { selector: 'node[kind = "dataset"]', style: { shape: 'barrel', 'background-color': '#17733a' } },
            { selector: 'node[focus = 1]', style: { 'border-width': 4, 'border-color': '#f2b600' } },
            {
              selector: 'edge',
              style: { width: 1.5, 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', label: 'data(label)', 'font-size': 9, color: '#777' },
            },
          ],
          wheelSensitivity: 0.3,
        });
        cy.on('tap', 'node', (event) => (location.hash = destinationOf(event.target.id() as string)));
        (window as unknown as { dotscienceGraph?: cytoscape.Core }).dotscienceGraph = cy;
      },
      (failure: Error) => setError(failure.message),
    );
    return () => cy?.destroy();
  }, [node]);
  return (
    <section>
      <h2>
        Provenance of <span class="mono">{resolved ?? node}</span>
      </h2>
      <p>drag to pan, scroll to zoom; click a run to open it, a dataset or model version to centre on it</p>
      {error && <p class="error">{error}</p>}
      <div class="lineage" ref={container} />
    </section>
  );
}

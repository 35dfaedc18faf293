export * from './graph.js';
export * from './provenance-projection.js';
export * from './lineage.js';
export * from './prov-json.js';
export * from './graphviz.js';
export * from './mermaid.js';

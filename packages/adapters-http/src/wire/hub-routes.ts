/** The hub's URL paths, shared by server (fastify patterns) and client (concrete paths). */
export const API_PREFIX = '/v1';

const seg = (value: string): string => encodeURIComponent(value);

export const hubPaths = {
  whoami: () => `${API_PREFIX}/token`,
  openapi: () => `${API_PREFIX}/openapi.json`,
  stream: (project: string, stream: string) => `${API_PREFIX}/projects/${seg(project)}/streams/${seg(stream)}`,
  all: (project: string) => `${API_PREFIX}/projects/${seg(project)}/events`,
  subscribe: (project: string) => `${API_PREFIX}/projects/${seg(project)}/events/subscribe`,
  object: (project: string, hex: string) => `${API_PREFIX}/projects/${seg(project)}/objects/sha256/${seg(hex)}`,
  missingObjects: (project: string) => `${API_PREFIX}/projects/${seg(project)}/objects/missing`,
  versionStat: (project: string, kind: string, hex: string) => `${API_PREFIX}/projects/${seg(project)}/versions/${seg(kind)}/sha256/${seg(hex)}`,
  runs: (project: string) => `${API_PREFIX}/projects/${seg(project)}/runs`,
  run: (project: string, runId: string) => `${API_PREFIX}/projects/${seg(project)}/runs/${seg(runId)}`,
  metricSeries: (project: string, runId: string, name: string) => `${API_PREFIX}/projects/${seg(project)}/runs/${seg(runId)}/metrics/${seg(name)}`,
  runHistory: (project: string, runId: string) => `${API_PREFIX}/projects/${seg(project)}/runs/${seg(runId)}/history`,
  lineage: (project: string, node: string) => `${API_PREFIX}/projects/${seg(project)}/lineage/${seg(node)}`,
  datasets: (project: string) => `${API_PREFIX}/projects/${seg(project)}/datasets`,
  models: (project: string) => `${API_PREFIX}/projects/${seg(project)}/models`,
  head: (project: string) => `${API_PREFIX}/projects/${seg(project)}/head`,
  receipts: (project: string) => `${API_PREFIX}/projects/${seg(project)}/receipts`,
  tokens: (project: string) => `${API_PREFIX}/projects/${seg(project)}/tokens`,
  token: (project: string, tokenId: string) => `${API_PREFIX}/projects/${seg(project)}/tokens/${seg(tokenId)}`,
} as const;

/** The same paths as fastify route patterns. */
export const hubRoutes = {
  whoami: hubPaths.whoami(),
  openapi: hubPaths.openapi(),
  stream: `${API_PREFIX}/projects/:project/streams/:stream`,
  all: `${API_PREFIX}/projects/:project/events`,
  subscribe: `${API_PREFIX}/projects/:project/events/subscribe`,
  object: `${API_PREFIX}/projects/:project/objects/sha256/:hex`,
  missingObjects: `${API_PREFIX}/projects/:project/objects/missing`,
  versionStat: `${API_PREFIX}/projects/:project/versions/:kind/sha256/:hex`,
  head: `${API_PREFIX}/projects/:project/head`,
  receipts: `${API_PREFIX}/projects/:project/receipts`,
  runs: `${API_PREFIX}/projects/:project/runs`,
  run: `${API_PREFIX}/projects/:project/runs/:runId`,
  metricSeries: `${API_PREFIX}/projects/:project/runs/:runId/metrics/:name`,
  runHistory: `${API_PREFIX}/projects/:project/runs/:runId/history`,
  lineage: `${API_PREFIX}/projects/:project/lineage/:node`,
  datasets: `${API_PREFIX}/projects/:project/datasets`,
  models: `${API_PREFIX}/projects/:project/models`,
  tokens: `${API_PREFIX}/projects/:project/tokens`,
  token: `${API_PREFIX}/projects/:project/tokens/:tokenId`,
} as const;

/** The app's pages, addressed by the URL fragment so the hub serves one index.html. */
export type Route =
  { page: 'runs' } | { page: 'run'; runId: string } | { page: 'compare'; runIds: string[] } | { page: 'catalog' } | { page: 'lineage'; node: string };

export function parseRoute(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'runs' && parts[1]) return { page: 'run', runId: parts[1] };
  if (parts[0] === 'compare') return { page: 'compare', runIds: (new URLSearchParams(query).get('runs') ?? '').split(',').filter(Boolean) };
  if (parts[0] === 'catalog') return { page: 'catalog' };
  if (parts[0] === 'lineage' && parts[1]) return { page: 'lineage', node: parts.slice(1).join('/') };
  return { page: 'runs' };
}

export const href = {
  runs: () => '#/runs',
  run: (runId: string) => `#/runs/${encodeURIComponent(runId)}`,
  compare: (runIds: string[]) => `#/compare?runs=${runIds.map(encodeURIComponent).join(',')}`,
  catalog: () => '#/catalog',
  lineage: (node: string) => `#/lineage/${encodeURIComponent(node)}`,
};

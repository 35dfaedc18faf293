/**
 * Stream names (DESIGN §2): `<category>-<id>`. The category is the part before
 * the first '-' (KurrentDB's $by_category rule), so categories contain no '-'.
 */
/** `runmeta-<runId>`: what is said of a run after the fact (tags, notes, archive, delete); its sealed run stream never changes. */
export const streamCategories = ['run', 'dataset', 'model', 'project', 'runmeta'] as const;
export type StreamCategory = (typeof streamCategories)[number];

export const runStream = (runId: string): string => `run-${runId}`;
export const datasetStream = (name: string): string => `dataset-${name}`;
export const modelStream = (name: string): string => `model-${name}`;
export const runMetaStream = (runId: string): string => `runmeta-${runId}`;
export const projectStream = (projectId: string): string => `project-${projectId}`;

export function categoryOf(stream: string): string {
  const dash = stream.indexOf('-');
  return dash === -1 ? stream : stream.slice(0, dash);
}

export function idOf(stream: string): string {
  const dash = stream.indexOf('-');
  return dash === -1 ? '' : stream.slice(dash + 1);
}

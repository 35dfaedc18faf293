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
/** The project whose streams are named without one: every stream written before projects were numbered apart (D122). */
export const DEFAULT_PROJECT = 'default';
/**
 * The id of the stream holding project `project`'s versions of dataset or model `name` (D122):
 * the default project's is the name itself; another project's is `<project>:<name>` (a project
 * id holds no ':'), so each project numbers its versions from 1.
 */
export function versionStreamId(project: string | undefined, name: string): string {
  return project === undefined || project === DEFAULT_PROJECT ? name : `${project}:${name}`;
}
/** The project a version event's optional `project` field names: absent is the default project. */
export const projectOfVersion = (data: { project?: string }): string => data.project ?? DEFAULT_PROJECT;
export const projectDatasetStream = (project: string | undefined, name: string): string => datasetStream(versionStreamId(project, name));
export const projectModelStream = (project: string | undefined, name: string): string => modelStream(versionStreamId(project, name));
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

/**
 * The names an input of dataset `name` by a run of `project` may resolve under (D122): its
 * project's own, then the default project's (where a store written before projects numbered
 * apart holds every project's versions). One name for the default project.
 */
export function inputStreamIds(project: string | undefined, name: string): string[] {
  const own = versionStreamId(project, name);
  return own === name ? [name] : [own, name];
}

import type { DatasetsState, ModelsState, ProvenanceGraph, RunView } from '@dotscience/core';

/** The hub's refusal body ({code, message}, and `at` for a query parse error). */
export interface HubErrorBody {
  code: string;
  message: string;
  at?: { line: number; column: number; offset: number; length: number };
}

export class HubError extends Error {
  constructor(
    readonly status: number,
    readonly body: HubErrorBody,
  ) {
    super(body.message);
  }
}

export interface RunsPage {
  /** Each with the id of the workload run it was recorded under, or null. */
  runs: Array<RunView & { parent: string | null }>;
  total: number;
}
export interface MetricSeries {
  runId: string;
  name: string;
  total: number;
  downsampled: boolean;
  x: number[];
  y: number[];
}
export interface RunHistory {
  runId: string;
  stream: string;
  events: Array<{ revision: number; position: number; type: string; recordedAt: string; prevHash: string; hash: string }>;
  verified: boolean;
  problem?: string;
}

const TOKEN_KEY = 'dotscience.token';

/** The token: from the URL fragment `#token=…` (what `ds ui` prints; then dropped from the address bar), else the one kept from before. */
export function sessionToken(): string | null {
  const match = /[#&]token=([^&]+)/.exec(location.hash);
  if (match) {
    localStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]!));
    history.replaceState(null, '', `${location.pathname}#/runs`);
  }
  return localStorage.getItem(TOKEN_KEY);
}

export function keepToken(token: string): void {
  localStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken(): void {
  localStorage.removeItem(TOKEN_KEY);
}

const seg = encodeURIComponent;

/** The hub's JSON API for one project, as the token's holder. */
export class HubApi {
  constructor(
    readonly token: string,
    readonly project: string,
  ) {}

  static async connect(token: string): Promise<HubApi> {
    const who = await request<{ project: string }>(token, '/v1/token');
    return new HubApi(token, who.project);
  }

  private get base(): string {
    return `/v1/projects/${seg(this.project)}`;
  }

  /** `workloads`: also the workload runs that wrap the runs their program recorded (the hub hides them by default, as `ds runs`). */
  runs(filter: string, sort: string, offset: number, limit: number, workloads = false): Promise<RunsPage> {
    const query = new URLSearchParams({ filter, offset: String(offset), limit: String(limit) });
    if (sort !== '') query.set('sort', sort);
    if (workloads) query.set('workloads', 'true');
    return request(this.token, `${this.base}/runs?${query}`);
  }
  run(runId: string): Promise<RunView> {
    return request(this.token, `${this.base}/runs/${seg(runId)}`);
  }
  metricSeries(runId: string, name: string, points: number): Promise<MetricSeries> {
    return request(this.token, `${this.base}/runs/${seg(runId)}/metrics/${seg(name)}?points=${points}`);
  }
  history(runId: string): Promise<RunHistory> {
    return request(this.token, `${this.base}/runs/${seg(runId)}/history`);
  }
  datasets(): Promise<DatasetsState> {
    return request(this.token, `${this.base}/datasets`);
  }
  models(): Promise<ModelsState> {
    return request(this.token, `${this.base}/models`);
  }
  lineage(node: string): Promise<{ node: string; graph: ProvenanceGraph }> {
    return request(this.token, `${this.base}/lineage/${seg(node)}?direction=both`);
  }
  /** A data object's bytes as text (a file's content, or a directory's manifest JSON). */
  async objectText(digest: string): Promise<string> {
    const response = await fetch(`${this.base}/objects/sha256/${seg(digest.replace(/^sha256:/, ''))}`, { headers: { authorization: `Bearer ${this.token}` } });
    if (!response.ok) throw new HubError(response.status, (await response.json()) as HubErrorBody);
    return response.text();
  }
  subscribeUrl(fromPosition: number): string {
    return `${this.base}/events/subscribe?fromPosition=${fromPosition}`;
  }
}

async function request<T>(token: string, path: string): Promise<T> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as unknown;
  if (!response.ok) throw new HubError(response.status, body as HubErrorBody);
  return body as T;
}

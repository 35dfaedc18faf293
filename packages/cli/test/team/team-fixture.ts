import { promises as fsp, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnnotationSession } from '@dotscience/core';
import { openDotscience } from '@dotscience/sdk';
import { ds, type CliResult } from '../fixtures/cli-process.js';
import { startHubProcess, stopHubProcess, type HubProcess } from '../fixtures/hub-process.js';

/** A workstation: a directory with its own `ds init` store, synced with one hub through a token. */
export class Workstation {
  constructor(
    readonly dir: string,
    private readonly hubUrl: string,
    private readonly token: string,
  ) {}

  static create(name: string, hubUrl: string, token: string, init = true): Workstation {
    const dir = mkdtempSync(join(tmpdir(), `ds-team-${name}-`));
    if (init) {
      const result = ds(['init'], { cwd: dir });
      if (result.code !== 0) throw new Error(`ds init failed: ${result.stderr}`);
    }
    return new Workstation(dir, hubUrl, token);
  }

  ds(args: readonly string[]): CliResult {
    return ds(args, { cwd: this.dir, env: { DOTSCIENCE_HUB: this.hubUrl, DOTSCIENCE_TOKEN: this.token } });
  }

  /** `ds <args> --json` on the local store (no hub configured), parsed. */
  local<T>(args: readonly string[]): T {
    const result = ds([...args, '--json'], { cwd: this.dir });
    if (result.code !== 0) throw new Error(`ds ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  }

  /**
   * Record, offline, a run that writes a new version of dataset `preds` and model `clf` with
   * `content` (the same names on every workstation: the versions of a team's shared dataset), in
   * `project` (default: the store's).
   */
  async recordRun(content: string, project?: string): Promise<string> {
    mkdirSync(join(this.dir, 'out'), { recursive: true });
    writeFileSync(join(this.dir, 'out', 'preds.csv'), `id,p\n1,${content}\n`);
    writeFileSync(join(this.dir, 'out', 'model.json'), JSON.stringify({ weights: content }));
    const store = await openDotscience({ cwd: this.dir, env: project === undefined ? {} : { DOTSCIENCE_PROJECT: project }, hashWorkers: 1 });
    try {
      const session = new AnnotationSession(store, { cwd: this.dir, workload: { command: ['node', 'train.js'] }, projectId: store.configuration.projectId });
      await session.start();
      await session.parameter('content', content);
      await session.output(join(this.dir, 'out', 'preds.csv'), 'preds');
      await session.model('clf', join(this.dir, 'out', 'model.json'), { framework: 'none' });
      return (await session.publish(`run ${content}`)).runId;
    } finally {
      await store.close();
    }
  }
}

/** A hub (`ds serve`, a real process) in a fresh directory, with a write token for project `team`. */
export class TeamHub {
  private constructor(
    readonly root: string,
    readonly token: string,
    private readonly process: HubProcess,
  ) {}

  static async start(prefix: string): Promise<TeamHub> {
    const root = mkdtempSync(join(tmpdir(), prefix));
    const created = ds(['token', 'create', '--store', join(root, 'hub'), '--project', 'team', '--role', 'write'], { cwd: root });
    if (created.code !== 0) throw new Error(`ds token create failed: ${created.stderr}`);
    return new TeamHub(root, created.stdout.trim(), await startHubProcess(join(root, 'hub')));
  }

  get url(): string {
    return this.process.url;
  }

  workstation(name: string): Workstation {
    return Workstation.create(name, this.url, this.token);
  }

  /** `ds` against the hub itself (no local store of its own). */
  get view(): Workstation {
    return new Workstation(this.root, this.url, this.token);
  }

  async stop(): Promise<void> {
    await stopHubProcess(this.process);
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** A hub (`ds serve`) in a temporary directory with one write token of project `team`. */
export interface LabelledTeamHub {
  root: string;
  hub: HubProcess;
  token: string;
  tokenId: string;
}

/** Start a team's hub; its token has `label` when given. */
export async function startTeamHub(label?: string): Promise<LabelledTeamHub> {
  const root = await fsp.mkdtemp(join(tmpdir(), 'ds-team-hub-'));
  const labelled = label === undefined ? [] : ['--label', label];
  const created = ds(['token', 'create', '--store', join(root, 'hub'), '--project', 'team', '--role', 'write', ...labelled, '--json'], { cwd: root });
  if (created.code !== 0) throw new Error(`ds token create failed: ${created.stderr}`);
  const { token, info } = JSON.parse(created.stdout) as { token: string; info: { id: string } };
  return { root, hub: await startHubProcess(join(root, 'hub')), token, tokenId: info.id };
}

export async function stopTeamHub(team: LabelledTeamHub | undefined): Promise<void> {
  if (!team) return;
  await stopHubProcess(team.hub);
  await fsp.rm(team.root, { recursive: true, force: true });
}

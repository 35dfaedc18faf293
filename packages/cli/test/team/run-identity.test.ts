import { execFileSync } from 'node:child_process';
import { promises as fsp, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ds } from '../fixtures/cli-process.js';
import { startTeamHub, stopTeamHub, Workstation, type LabelledTeamHub } from './team-fixture.js';

interface Identity {
  environment: { user: string; host: string };
  recordedBy: { user: string; gitAuthor: string | null };
  pushedBy: { tokenId: string; name: string | null; at: string } | null;
}

/** A git repository in `dir` with one commit by Ada. */
function commitAsAda(dir: string): void {
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Ada Lovelace', '-c', 'user.email=ada@example.com', '-c', 'commit.gpgsign=false', ...args], {
      cwd: dir,
      stdio: 'pipe',
    });
  writeFileSync(join(dir, 'train.js'), 'console.log(1)\n');
  writeFileSync(join(dir, '.gitignore'), '.dotscience/\nout/\n');
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'train');
}

describe('who recorded a run and which hub token accepted it (docs/decisions.md D123)', () => {
  let team: LabelledTeamHub | undefined;
  let station: Workstation | undefined;

  beforeEach(async () => {
    team = await startTeamHub('ada-laptop');
  });
  afterEach(async () => {
    await stopTeamHub(team);
    team = undefined;
    if (station) await fsp.rm(station.dir, { recursive: true, force: true });
  });

  it('given a run recorded in a git repository, then ds show names user@host and the commit’s author; once pushed, ds show and the hub’s run detail name the token that accepted it', async () => {
    station = Workstation.create('identity', team!.hub.url, team!.token);
    commitAsAda(station.dir);
    const run = await station.recordRun('mine');
    const show = () => station!.local<Identity>(['show', run]);

    const before = show();
    expect(before.recordedBy).toEqual({ user: `${before.environment.user}@${before.environment.host}`, gitAuthor: 'Ada Lovelace <ada@example.com>' });
    expect(before.pushedBy).toBeNull();
    const text = ds(['show', run], { cwd: station.dir });
    expect(text.stdout).toContain(`recorded by  ${before.recordedBy.user}, code by Ada Lovelace <ada@example.com>`);

    const push = station.ds(['push']);
    expect(push.code, push.stderr).toBe(0);
    const after = show();
    expect(after.recordedBy).toEqual(before.recordedBy);
    expect(after.pushedBy).toEqual({ tokenId: team!.tokenId, name: 'ada-laptop', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });

    const response = await fetch(`${team!.hub.url}/v1/projects/team/runs/${run}`, { headers: { authorization: `Bearer ${team!.token}` } });
    expect(response.status).toBe(200);
    const onHub = (await response.json()) as Identity;
    expect(onHub.recordedBy).toEqual(before.recordedBy);
    expect(onHub.pushedBy).toEqual(after.pushedBy);
  }, 300_000);
});

// The peers the suite compares against (git-annex, DataLad) come from Debian's packages:
// installed here when missing and possible (root + apt-get), otherwise the reason is
// carried to every row that needs them.
import { spawnSync } from 'node:child_process';

const run = (command, args, options = {}) => spawnSync(command, args, { encoding: 'utf8', ...options });
const firstLine = (text) => (text ?? '').trim().split('\n')[0] ?? '';

function versions() {
  const annex = run('git', ['annex', 'version']);
  const datalad = run('datalad', ['--version']);
  const sha = run('sha256sum', ['--version']);
  const sqlite = run(process.execPath, ['-e', "const D=require('better-sqlite3');console.log(new D(':memory:').prepare('select sqlite_version() v').get().v)"]);
  return {
    'git-annex': annex.status === 0 ? firstLine(annex.stdout).replace('git-annex version: ', '') : null,
    datalad: datalad.status === 0 ? firstLine(datalad.stdout).replace('datalad ', '') : null,
    sha256sum: sha.status === 0 ? firstLine(sha.stdout) : null,
    sqlite: sqlite.status === 0 ? `SQLite ${firstLine(sqlite.stdout)} (better-sqlite3)` : null,
  };
}

/** Make sure git-annex and DataLad are there; returns their versions and, when one is missing, why. */
export function ensurePeerTools(log) {
  let found = versions();
  if (found['git-annex'] && found.datalad) return { versions: found, note: null };
  const missing = ['git-annex', 'datalad'].filter((p) => !found[p]);
  if (process.env.BENCH_NO_INSTALL) return { versions: found, note: `${missing.join(', ')} missing and BENCH_NO_INSTALL is set` };
  if (typeof process.getuid !== 'function' || process.getuid() !== 0)
    return { versions: found, note: `${missing.join(', ')} missing; not root, so not installed (sudo apt-get install -y ${missing.join(' ')})` };
  if (run('apt-get', ['--version']).status !== 0) return { versions: found, note: `${missing.join(', ')} missing and there is no apt-get to install them` };
  let policy = run('apt-cache', ['policy', ...missing]);
  if (/Candidate: \(none\)/.test(policy.stdout) || !/Candidate:/.test(policy.stdout)) {
    log('apt has no candidate yet: apt-get update …');
    run('apt-get', ['update'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    policy = run('apt-cache', ['policy', ...missing]);
  }
  log(`peers missing (${missing.join(', ')}); apt-cache policy:\n${policy.stdout}`);
  if (/Candidate: \(none\)/.test(policy.stdout) || !/Candidate:/.test(policy.stdout) || policy.status !== 0)
    return { versions: found, note: `${missing.join(', ')} missing and apt has no candidate for them` };
  log(`apt-get install -y ${missing.join(' ')} …`);
  const begin = performance.now();
  const install = run('apt-get', ['install', '-y', ...missing], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  const installSeconds = Math.round((performance.now() - begin) / 1000);
  found = versions();
  const still = ['git-annex', 'datalad'].filter((p) => !found[p]);
  if (still.length === 0) return { versions: found, note: null, installed: missing, installSeconds };
  return {
    versions: found,
    note: `apt-get install -y ${still.join(' ')} failed (exit ${install.status}): ${firstLine(install.stderr.split('\n').filter(Boolean).pop())}`,
  };
}

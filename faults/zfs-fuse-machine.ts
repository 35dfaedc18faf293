import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A machine whose disks are zfs-fuse pools, and whose power can be cut.
 *
 * zfs-fuse keeps everything written since the last transaction group in the
 * daemon's memory (up to ~30 s here); only an fsync/fdatasync pushes it to the
 * vdev file as a ZIL block. SIGKILLing the daemon therefore loses exactly what a
 * power cut loses, while the vdev files themselves (in the host's page cache)
 * keep whatever the daemon had written: on power-on the pool imports from its
 * last transaction group and replays its ZIL.
 *
 * Cutting the power kills the one running daemon, whoever started it, so every
 * pool it served goes down too; power-on restarts it with its own command line,
 * imports every pool that was imported and mounts every dataset that was mounted.
 */
export class ZfsFuseMachine {
  private constructor(
    private daemonPid: number,
    private readonly command: string[],
    /** Stop the daemon on shutdown: it was not running before. */
    private readonly startedHere: boolean,
    private readonly pidFile: string | undefined,
    private state: MachineState,
  ) {}

  /** Why zfs-fuse cannot be used here, or undefined when it can be tried. */
  static unavailableReason(): string | undefined {
    if (process.platform !== 'linux') return `zfs-fuse needs Linux (this is ${process.platform})`;
    if (process.getuid?.() !== 0) return 'cutting the power of zfs-fuse needs root (it kills and restarts the daemon)';
    for (const tool of ['zfs-fuse', 'zpool', 'zfs']) {
      if (spawnSync(tool, ['--help'], { stdio: 'ignore' }).error) return `${tool} is not installed (apt-get install zfs-fuse)`;
    }
    if (!existsSync('/dev/fuse')) return '/dev/fuse is missing (FUSE is not available)';
    return undefined;
  }

  /** Use the running daemon, or start one (with its pid file in `workDir`) that shutdown() stops again. */
  static async boot(workDir: string): Promise<ZfsFuseMachine> {
    const running = daemonPids();
    if (running.length > 1) throw new Error(`${running.length} zfs-fuse daemons are running (${running.join(', ')}); expected at most one`);
    if (running.length === 1) {
      const command = readFileSync(`/proc/${running[0]}/cmdline`, 'utf8').split('\0').filter(Boolean);
      return new ZfsFuseMachine(running[0]!, daemonized(command), false, pidFileOf(command), await readState());
    }
    const pidFile = `${workDir}/zfs-fuse.pid`;
    const command = ['zfs-fuse', '--pidfile', pidFile];
    const pid = await startDaemon(command, pidFile);
    return new ZfsFuseMachine(pid, command, true, pidFile, await readState());
  }

  /** A new pool on a sparse file in `dir`, mounted at `mountpoint`. */
  createPool(name: string, dir: string, bytes: number, mountpoint: string): void {
    execFileSync('truncate', ['-s', String(bytes), `${dir}/${name}.img`]);
    zfsTool('zpool', ['create', '-m', mountpoint, name, `${dir}/${name}.img`]);
  }

  /** A dataset, mounted; returns its mountpoint. */
  createDataset(name: string): string {
    zfsTool('zfs', ['create', name]);
    return zfsTool('zfs', ['get', '-H', '-o', 'value', 'mountpoint', name]).trim();
  }

  /** Destroy a pool; a pool just used through FUSE can stay busy for a moment. */
  async destroyPool(name: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        zfsTool('zpool', ['destroy', '-f', name]);
        return;
      } catch (err) {
        if (attempt >= 20) throw err;
        await sleep(500);
      }
    }
  }

  importedPools(): string[] {
    return listPools();
  }

  /** Remember which pools are imported from where and which datasets are mounted, for the next power-on. */
  async notePools(): Promise<void> {
    this.state = await readState();
  }

  /**
   * The power cut: SIGKILL the daemon, then at once every process in `alsoKill`
   * (nothing they do after the daemon died can reach a disk).
   */
  cutPower(alsoKill: Array<{ kill: (signal: NodeJS.Signals) => boolean }>): void {
    process.kill(this.daemonPid, 'SIGKILL');
    for (const p of alsoKill) p.kill('SIGKILL');
  }

  /**
   * Power-on: wait for the old daemon to be gone, detach its dead mounts, start it
   * with the same command line, import the pools noted before the cut and mount
   * the datasets that were mounted. Returns how long that took (ms).
   */
  async powerOn(): Promise<number> {
    const started = performance.now();
    await waitForExit(this.daemonPid);
    for (const mount of deadZfsMounts()) execFileSync('umount', ['-l', mount]);
    if (this.pidFile) rmSync(this.pidFile, { force: true }); // zfs-fuse refuses to start while its pid file exists
    this.daemonPid = await startDaemon(this.command, this.pidFile);
    await this.restorePools();
    return performance.now() - started;
  }

  /** Is the daemon serving (after a failed round: power back on before cleaning up)? */
  isRunning(): boolean {
    return daemonPids().includes(this.daemonPid);
  }

  /** Stop the daemon if it was started here; otherwise leave it running as it was found. */
  async shutdown(): Promise<void> {
    if (!this.startedHere) return;
    process.kill(this.daemonPid, 'SIGTERM');
    await waitForExit(this.daemonPid, 30_000);
    if (this.pidFile) rmSync(this.pidFile, { force: true });
  }

  private async restorePools(): Promise<void> {
    // The daemon imports the pools of its cache file by itself, without mounting them.
    const deadline = Date.now() + 5_000;
    let imported = listPools();
    while (this.state.pools.some((p) => !imported.includes(p.name)) && Date.now() < deadline) {
      await sleep(100);
      imported = listPools();
    }
    for (const pool of this.state.pools.filter((p) => !imported.includes(p.name))) {
      zfsTool('zpool', ['import', ...pool.vdevDirectories.flatMap((d) => ['-d', d]), pool.name]);
    }
    const mounted = new Set(mountedDatasets());
    for (const dataset of this.state.mounted.filter((d) => !mounted.has(d))) zfsTool('zfs', ['mount', dataset]);
    const missing = this.state.mounted.filter((d) => !mountedDatasets().includes(d));
    if (missing.length > 0) throw new Error(`after power-on these datasets are not mounted again: ${missing.join(', ')}`);
  }
}

interface MachineState {
  pools: Array<{ name: string; vdevDirectories: string[] }>;
  mounted: string[];
}

function zfsTool(tool: 'zfs' | 'zpool', args: string[]): string {
  try {
    return execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  } catch (err) {
    const stderr = String((err as { stderr?: string }).stderr ?? '').trim();
    throw new Error(`${tool} ${args.join(' ')} failed: ${stderr || (err as Error).message}`, { cause: err });
  }
}

const listPools = (): string[] => {
  try {
    return zfsTool('zpool', ['list', '-H', '-o', 'name']).split('\n').filter(Boolean);
  } catch {
    return [];
  }
};

function mountedDatasets(): string[] {
  return zfsTool('zfs', ['list', '-H', '-o', 'name,mounted'])
    .split('\n')
    .map((line) => line.split('\t'))
    .filter(([, mounted]) => mounted === 'yes')
    .map(([name]) => name!);
}

async function readState(): Promise<MachineState> {
  const pools = listPools().map((name) => {
    // File vdevs are listed by absolute path in `zpool status`.
    const files = zfsTool('zpool', ['status', name])
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[0] ?? '')
      .filter((field) => field.startsWith('/'));
    return { name, vdevDirectories: [...new Set(files.map((f) => dirname(f)))] };
  });
  return { pools, mounted: pools.length > 0 ? mountedDatasets() : [] };
}

/** Pids of live zfs-fuse processes (zombies excluded). */
function daemonPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (comm === 'zfs-fuse' && state !== 'Z') pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/**
 * Wait until the process is gone entirely. Its leader thread shows as a zombie while
 * the other threads are still exiting and holding the daemon's lock file, so a
 * zombie does not count as gone until its threads are (or, in a container whose
 * init does not reap, until the deadline).
 */
async function waitForExit(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (existsSync(`/proc/${pid}`)) {
    if (Date.now() > deadline) {
      if (daemonPids().includes(pid)) throw new Error(`zfs-fuse (pid ${pid}) did not exit within ${timeoutMs} ms`);
      return; // an unreaped zombie
    }
    await sleep(20);
  }
}

/** The FUSE mounts of a dead daemon: every ZFS file system and its kstat mount. */
function deadZfsMounts(): string[] {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter(([, mountpoint, type]) => type === 'fuse.zfs' || (mountpoint === '/zfs-kstat' && type === 'fuse'))
    .map(([, mountpoint]) => mountpoint!.replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))))
    .sort((a, b) => b.length - a.length); // children before parents
}

/** The command without a foreground flag: the restarted daemon must not tie up the test. */
function daemonized(command: string[]): string[] {
  return command.filter((arg) => arg !== '-n' && arg !== '--no-daemon');
}

function pidFileOf(command: string[]): string | undefined {
  for (let i = 0; i < command.length; i++) {
    const arg = command[i]!;
    if (arg === '--pidfile' || arg === '-p') return command[i + 1];
    if (arg.startsWith('--pidfile=')) return arg.slice('--pidfile='.length);
  }
  return undefined;
}

async function startDaemon(command: string[], pidFile: string | undefined): Promise<number> {
  const before = new Set(daemonPids());
  // zfs-fuse exits 1 (logging only to syslog) while the previous daemon's lock is still held: try a few times.
  for (let attempt = 1; ; attempt++) {
    const result = spawnSync(command[0]!, command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 30_000 });
    if (!result.error && result.status === 0) break;
    if (attempt === 5)
      throw new Error(`${command.join(' ')} failed ${attempt} times (exit ${result.status}): ${result.error?.message ?? result.stderr.trim()}`);
    await sleep(200 * attempt);
  }
  const deadline = Date.now() + 10_000;
  for (;;) {
    const fresh = daemonPids().filter((pid) => !before.has(pid));
    const recorded = pidFile && existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : fresh[0];
    if (fresh.length === 1 && recorded === fresh[0] && zpoolAnswers()) return fresh[0]!;
    if (Date.now() > deadline) throw new Error(`zfs-fuse did not come up within 10 s (${command.join(' ')})`);
    await sleep(50);
  }
}

function zpoolAnswers(): boolean {
  return spawnSync('zpool', ['list'], { stdio: 'ignore' }).status === 0;
}

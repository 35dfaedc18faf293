import { spawn } from 'node:child_process';
import { ZfsCommandError, ZfsDatasetNotFoundError, ZfsNotInstalledError, ZfsPermissionError, ZfsPoolNotFoundError, ZfsUnavailableError } from './zfs-errors.js';

/**
 * How to run the ZFS programs: an argument vector prefix, e.g. `['zfs']` (the
 * default), `['sudo', '-n', 'zfs']`, or `['ssh', 'backup-host', 'zfs']` for a
 * receiving side. Arguments are always passed as an array, never through a shell.
 */
export interface ZfsPrograms {
  zfs: readonly string[];
  zpool: readonly string[];
}

export const DEFAULT_ZFS_PROGRAMS: ZfsPrograms = { zfs: ['zfs'], zpool: ['zpool'] };

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

const commandLine = (argv: readonly string[]): string => argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');

/** Turn a failed command's stderr into the typed error a user can act on. */
export function zfsFailure(argv: readonly string[], stderr: string): Error {
  const detail = stderr.trim().split('\n').filter(Boolean).join('; ') || 'no message';
  const command = commandLine(argv);
  // Permission first: an unprivileged user of zfs-fuse also gets "failed to initialize ZFS library" (after "connect: Permission denied").
  if (/permission denied|insufficient privileges|must be root|not permitted/i.test(stderr)) return new ZfsPermissionError(command, detail);
  if (/failed to initialize ZFS library|zfs-fuse daemon is running|modules are not loaded/i.test(stderr)) return new ZfsUnavailableError(command, detail);
  const noPool = /cannot open '([^']+)': no such pool/.exec(stderr);
  if (noPool) return new ZfsPoolNotFoundError(noPool[1]!);
  const noDataset = /cannot open '([^']+)': dataset does not exist/.exec(stderr);
  if (noDataset) {
    const name = noDataset[1]!;
    // `zfs list pool/x` on a missing pool says "dataset does not exist" too.
    return new ZfsDatasetNotFoundError(name);
  }
  return new ZfsCommandError(command, detail);
}

function execute(argv: readonly string[], stdin?: NodeJS.ReadableStream): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const [program, ...args] = argv;
    if (program === undefined) throw new Error('empty ZFS program vector');
    const child = spawn(program, args, { stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], shell: false });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new ZfsNotInstalledError(program) : error));
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    if (stdin && child.stdin) stdin.pipe(child.stdin);
  });
}

/** Runs `zfs` and `zpool` with argument arrays and classifies their failures. */
export class ZfsCommands {
  constructor(readonly programs: ZfsPrograms = DEFAULT_ZFS_PROGRAMS) {}

  /** Run `zfs <args>`; resolves to its stdout, rejects with a typed error. */
  zfs(args: readonly string[]): Promise<string> {
    return this.run([...this.programs.zfs, ...args]);
  }

  zpool(args: readonly string[]): Promise<string> {
    return this.run([...this.programs.zpool, ...args]);
  }

  private async run(argv: readonly string[]): Promise<string> {
    const outcome = await execute(argv);
    if (outcome.code !== 0) throw zfsFailure(argv, outcome.stderr);
    return outcome.stdout;
  }

  /**
   * `zfs send <sendArgs> | <receiver> receive <receiveArgs>`: the two processes are
   * joined by a pipe in this process (no shell). `receiver` runs the receiving
   * side, e.g. another host's zfs through ssh.
   */
  async sendReceive(sendArgs: readonly string[], receiver: ZfsCommands, receiveArgs: readonly string[]): Promise<void> {
    const sendArgv = [...this.programs.zfs, 'send', ...sendArgs];
    const receiveArgv = [...receiver.programs.zfs, 'receive', ...receiveArgs];
    const [program, ...args] = sendArgv;
    const sender = spawn(program!, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    const sendErr: Buffer[] = [];
    sender.stderr.on('data', (chunk: Buffer) => sendErr.push(chunk));
    const sent = new Promise<number | null>((resolve, reject) => {
      sender.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new ZfsNotInstalledError(program!) : error));
      sender.once('close', resolve);
    });
    const [received, sendCode] = await Promise.all([execute(receiveArgv, sender.stdout), sent]);
    // The receiver's complaint explains a failed send (a broken pipe), so it is reported first.
    if (received.code !== 0) throw zfsFailure(receiveArgv, received.stderr);
    if (sendCode !== 0) throw zfsFailure(sendArgv, Buffer.concat(sendErr).toString('utf8'));
  }
}

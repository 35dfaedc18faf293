import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI_ENTRY } from '../fixtures/cli-process.js';
import { freshProject, reportedRuns } from './ds-run-process.js';

const PROGRAM = [
  'import signal, sys, time',
  'def stop(signum, frame):',
  '    print("got", signal.Signals(signum).name, flush=True)',
  '    sys.exit(5)',
  'signal.signal(signal.SIGTERM, stop)',
  'print("ready", flush=True)',
  'time.sleep(30)',
].join('\n');

/**
 * `ds run -- python3 -c <program>` without a terminal (detached: its own session, with no
 * controlling terminal, whatever the test runs in), once the program has printed "ready".
 */
async function startedRun(
  program: string,
): Promise<{ runner: ChildProcess; output: () => { stdout: string; stderr: string }; exited: Promise<number | null> }> {
  const project = freshProject();
  const runner = spawn(process.execPath, [CLI_ENTRY, 'run', '--', 'python3', '-c', program], {
    cwd: project,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  runner.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => runner.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) =>
    runner.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.includes('ready\n')) resolve();
    }),
  );
  return { runner, output: () => ({ stdout, stderr }), exited };
}

describe('ds run and signals', () => {
  it('forwards SIGTERM to the program and exits with the code the program chose', async () => {
    const { runner, output, exited } = await startedRun(PROGRAM);

    runner.kill('SIGTERM');

    expect(await exited).toBe(5);
    expect(output().stdout).toBe('ready\ngot SIGTERM\n');
    expect(reportedRuns(output().stderr).workloadId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('given ds run without a terminal (as a scheduler starts it), when ds gets SIGINT, then it forwards it: the program gets it once', async () => {
    const { runner, output, exited } = await startedRun(PROGRAM.replace('signal.signal(signal.SIGTERM, stop)', 'signal.signal(signal.SIGINT, stop)'));

    runner.kill('SIGINT');

    expect(await exited).toBe(5);
    expect(output().stdout).toBe('ready\ngot SIGINT\n');
  });

  it('given ds run in the foreground of a terminal, when Ctrl-C is pressed, then the program gets SIGINT once (from the terminal), not a second time from ds, and its clean-up completes', () => {
    const project = freshProject();
    const program = [
      'import signal, sys, time',
      'count = 0',
      'def on_int(signum, frame):',
      '    global count',
      '    count += 1',
      '    print("got SIGINT", count, flush=True)',
      'signal.signal(signal.SIGINT, on_int)',
      'print("ready", flush=True)',
      'while count == 0: time.sleep(0.01)',
      'time.sleep(1.0)  # clean-up, long enough for a second SIGINT to arrive',
      'print("cleaned up after", count, flush=True)',
      'sys.exit(5)',
    ].join('\n');
    // A real terminal: ds runs on a pty as the foreground process group, and ^C typed into the
    // pty makes the line discipline send SIGINT to the whole group (ds and the program).
    const driver = [
      'import os, pty, sys, time',
      'pid, fd = pty.fork()',
      'if pid == 0:',
      '    os.chdir(sys.argv[1])',
      '    os.execv(sys.argv[2], sys.argv[2:])',
      'out = b""',
      'sent = False',
      'while True:',
      '    try:',
      '        chunk = os.read(fd, 4096)',
      '    except OSError:',
      '        break',
      '    if not chunk:',
      '        break',
      '    out += chunk',
      '    if not sent and b"ready\\n" in out.replace(b"\\r", b""):  # the whole line: ^C echoed mid-line would split it',
      '        os.write(fd, b"\\x03")',
      '        sent = True',
      '_, status = os.waitpid(pid, 0)',
      'sys.stdout.write(out.decode("utf-8", "replace"))',
      'sys.exit(os.waitstatus_to_exitcode(status))',
    ].join('\n');
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('DOTSCIENCE_')) env[key] = value;
    const result = spawnSync('python3', ['-c', driver, project, process.execPath, CLI_ENTRY, 'run', '--', 'python3', '-c', program], {
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    const transcript = result.stdout.replace(/\r\n/g, '\n');
    expect(transcript).toContain('ready\n');
    expect(transcript.match(/got SIGINT \d+/g)).toEqual(['got SIGINT 1']);
    expect(transcript).toContain('cleaned up after 1\n');
    expect(result.status).toBe(5);
  });
});

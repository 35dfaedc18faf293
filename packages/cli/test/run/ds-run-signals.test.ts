import { spawn } from 'node:child_process';
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

describe('ds run and signals', () => {
  it('forwards SIGTERM to the program and exits with the code the program chose', async () => {
    const project = freshProject();
    const runner = spawn(process.execPath, [CLI_ENTRY, 'run', '--', 'python3', '-c', PROGRAM], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    runner.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => runner.once('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      runner.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        if (stdout.includes('ready\n')) resolve();
      }),
    );

    runner.kill('SIGTERM');

    expect(await exited).toBe(5);
    expect(stdout).toBe('ready\ngot SIGTERM\n');
    expect(reportedRuns(stderr).workloadId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

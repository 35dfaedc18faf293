import { execFileSync, spawn } from 'node:child_process';

/** This very CLI in `project`, its stdout returned (for the demo's own decisions). */
function dsOutput(project: string, args: readonly string[]): string {
  return execFileSync(process.execPath, [process.argv[1]!, ...args], { cwd: project, encoding: 'utf8' });
}

/** The iris-tree version with the best test accuracy. */
function bestVersion(project: string): number {
  const models = JSON.parse(dsOutput(project, ['models', '--json'])) as Array<{
    name: string;
    versions: Array<{ version: number; metrics: Record<string, unknown> }>;
  }>;
  const versions = models.find((m) => m.name === 'iris-tree')?.versions ?? [];
  const accuracy = (v: { metrics: Record<string, unknown> }): number => (typeof v.metrics.accuracy === 'number' ? v.metrics.accuracy : -1);
  const best = versions.reduce<(typeof versions)[number] | undefined>((a, v) => (a === undefined || accuracy(v) > accuracy(a) ? v : a), undefined);
  if (!best) throw new Error('the demo recorded no iris-tree model');
  return best.version;
}

/**
 * The demo's end: alias the most accurate iris-tree version `champion`, serve
 * `iris-tree@champion` on a free port, ask it for one prediction, and stop it.
 * `step` runs and shows a ds command as the rest of the demo does.
 */
export async function serveTheChampion(project: string, step: (args: readonly string[]) => Promise<void>): Promise<void> {
  await step(['models', 'alias', 'iris-tree', 'champion', String(bestVersion(project))]);
  process.stdout.write('\n$ ds serve-model iris-tree@champion --port 0\n');
  const server = spawn(process.execPath, [process.argv[1]!, 'serve-model', 'iris-tree@champion', '--port', '0'], {
    cwd: project,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      server.once('exit', (code) => reject(new Error(`ds serve-model exited (${code}) before listening`)));
      server.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        process.stdout.write(chunk);
        out += chunk;
        const found = /at (http:\/\/\S+):/.exec(out)?.[1];
        if (found) resolve(found);
      });
    });
    const flower = { sepal_length: 6.3, sepal_width: 3.3, petal_length: 6.0, petal_width: 2.5 };
    process.stdout.write(`\n$ curl -s -X POST ${url}/predict -d '${JSON.stringify({ instances: [flower] })}'\n`);
    const answer = await fetch(`${url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances: [flower] }),
    });
    process.stdout.write(`${await answer.text()}\n`);
    if (!answer.ok) throw new Error(`the champion answered ${answer.status}`);
  } finally {
    server.removeAllListeners('exit');
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
  }
}

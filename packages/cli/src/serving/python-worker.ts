import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Predictor } from './prediction-server.js';

/** The worker: loads a pickled scikit-learn estimator, then answers one JSON line of rows with one JSON line of predictions. */
const WORKER = `
import json, pickle, sys
with open(sys.argv[1], 'rb') as f:
    model = pickle.load(f)
names = getattr(model, 'feature_names_in_', None)
print(json.dumps({'ready': True, 'features': [str(n) for n in names] if names is not None else None}), flush=True)
for line in sys.stdin:
    try:
        rows = json.loads(line)
        out = model.predict(rows)
        print(json.dumps({'predictions': [v.item() if hasattr(v, 'item') else v for v in out]}), flush=True)
    except Exception as e:
        print(json.dumps({'error': f'{type(e).__name__}: {e}'}), flush=True)
`;

/** A scikit-learn pickle served by a python3 process (one request at a time, in order). */
export class PythonWorkerPredictor implements Predictor {
  private readonly pending: Array<{ resolve: (v: unknown[]) => void; reject: (e: Error) => void }> = [];
  features?: readonly string[];

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {}

  /** Start python3 on the pickle; resolves once it has loaded the model. */
  static async start(pickle: string, python = '/usr/bin/python3'): Promise<PythonWorkerPredictor> {
    const child = spawn(python, ['-c', WORKER, pickle], { stdio: ['pipe', 'pipe', 'pipe'] });
    const worker = new PythonWorkerPredictor(child);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    const lines = createInterface({ input: child.stdout });
    const ready = new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the python worker exited (${code}) before loading the model: ${stderr.trim().split('\n').at(-1) ?? ''}`)));
      lines.once('line', (line) => {
        const hello = JSON.parse(line) as { features: string[] | null };
        if (hello.features) worker.features = hello.features;
        resolve();
      });
    });
    await ready;
    child.removeAllListeners('exit');
    child.on('exit', () => {
      for (const p of worker.pending.splice(0)) p.reject(new Error(`the python worker exited: ${stderr.trim().split('\n').at(-1) ?? ''}`));
    });
    lines.on('line', (line) => {
      const answer = JSON.parse(line) as { predictions?: unknown[]; error?: string };
      const waiting = worker.pending.shift();
      if (answer.error !== undefined) waiting?.reject(new Error(answer.error));
      else waiting?.resolve(answer.predictions ?? []);
    });
    return worker;
  }

  predict(rows: number[][]): Promise<unknown[]> {
    const answer = new Promise<unknown[]>((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.child.stdin.write(`${JSON.stringify(rows)}\n`);
    });
    return answer;
  }

  async close(): Promise<void> {
    this.child.stdin.end();
    if (this.child.exitCode === null) await new Promise((resolve) => this.child.once('exit', resolve));
  }
}

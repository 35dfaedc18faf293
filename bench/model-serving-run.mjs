// `ds serve-model` under paced load: `node bench/model-serving-run.mjs [rate] [seconds]`.
// A fresh project trains the iris tree with the examples (through the built CLI), serves
// iris-tree@champion on loopback, and sends `rate` single-row /predict requests per second
// for `seconds`, on keep-alive connections, each timed from send to answer. Figures: the
// rate answered and the p99 latency (JSON lines to BENCH_RESULTS for `pnpm bench`).
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(repo, 'packages/cli/dist/main.js');
const rate = Number(process.argv[2] ?? 1000);
const seconds = Number(process.argv[3] ?? 10);
const project = mkdtempSync(join(tmpdir(), 'ds-bench-serving-'));
const ds = (...args) => execFileSync(process.execPath, [cli, ...args], { cwd: project, stdio: ['ignore', 'ignore', 'inherit'] });

function record(key, name, unit, value) {
  const m = { bench: 'model serving', key, name, unit, median: value, min: value, max: value, runs: 1, rates: [value], count: 1 };
  console.log(`${name.padEnd(58)} ${value.toPrecision(4).padStart(12)} ${unit}`);
  if (process.env.BENCH_RESULTS) appendFileSync(process.env.BENCH_RESULTS, `${JSON.stringify(m)}\n`);
}

ds('init');
ds('run', '--', 'node', join(repo, 'examples/dist/prepare-iris.js'));
ds('run', '--', 'node', join(repo, 'examples/dist/train-tree.js'), '--depth', '3');
ds('models', 'alias', 'iris-tree', 'champion', '1');
const server = spawn(process.execPath, [cli, 'serve-model', 'iris-tree@champion', '--port', '0'], { cwd: project, stdio: ['ignore', 'pipe', 'inherit'] });
try {
  const url = new URL(
    await new Promise((resolve, reject) => {
      let out = '';
      server.once('exit', (code) => reject(new Error(`ds serve-model exited (${code})`)));
      server.stdout.setEncoding('utf8').on('data', (c) => {
        out += c;
        const found = /at (http:\/\/\S+):/.exec(out)?.[1];
        if (found) resolve(found);
      });
    }),
  );
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const body = JSON.stringify({ instances: [[6.3, 3.3, 6.0, 2.5]] });
  const predict = () =>
    new Promise((resolve, reject) => {
      const began = performance.now();
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: '/predict',
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - began) : reject(new Error(`status ${res.statusCode}`))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const warm = [];
  for (let i = 0; i < 500; i++) warm.push(await predict()); // warm up
  warm.sort((a, b) => a - b);
  console.log(`sequential: median ${warm[250].toFixed(2)} ms, p99 ${warm[494].toFixed(2)} ms`);
  const latencies = [];
  const pending = [];
  const total = rate * seconds;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(predict().then((ms) => latencies.push(ms)));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(`paced: median ${latencies[latencies.length >> 1].toFixed(2)} ms, p90 ${latencies[Math.floor(latencies.length * 0.9)].toFixed(2)} ms`);
  const p99 = latencies[Math.min(latencies.length - 1, Math.ceil(latencies.length * 0.99) - 1)];
  record(`serving.paced-${rate}.rate`, `ds serve-model: /predict answered, paced at ${rate}/s for ${seconds} s`, 'requests/s', latencies.length / elapsed);
  record(`serving.paced-${rate}.p99`, `ds serve-model: p99 latency, paced at ${rate}/s`, 'ms', p99);
  agent.destroy();
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(project, { recursive: true, force: true });
}

// `ds serve-model` under paced load: `node bench/model-serving-run.mjs [rate] [seconds]`.
// A fresh project trains the iris tree with the examples (through the built CLI), serves
// iris-tree@champion on loopback, and sends `rate` single-row /predict requests per second
// for `seconds`, on keep-alive connections: open loop, each request scheduled at a fixed time
// (start + i/rate) whatever the answers before it, and timed from that scheduled time to its
// answer — a request the load generator sent late (its process starved, or every connection
// busy) counts its lateness, so no coordinated omission hides a stall. Figures: the rate
// answered, the median and p99 latency, how late the generator sent (p99), and what the
// server says of itself (its prometheus histogram: requests over 20 ms in the server; its CPU
// per request), which tells a slow server from a starved machine (JSON lines to BENCH_RESULTS).
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

/** GET /metrics of the server under test. */
function metricsText(url, agent) {
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: '/metrics', agent }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c) => (text += c));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end();
  });
}

/** What the server's Prometheus metrics say of its /predict answers: how many, how many within 20 ms inside the server, its CPU seconds. */
function serverSide(text) {
  const value = (pattern) => Number(pattern.exec(text)?.[1] ?? NaN);
  return {
    count: value(/^ds_prediction_duration_seconds_count\{[^}]*\} (\S+)$/m),
    within20ms: value(/^ds_prediction_duration_seconds_bucket\{le="0.02"[^}]*\} (\S+)$/m),
    cpuSeconds: value(/^process_cpu_seconds_total\{[^}]*\} (\S+)$/m),
  };
}

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
  /** One /predict, timed from `due` (its scheduled send time; now, when not paced) to the end of its answer. */
  const predict = (due = performance.now()) =>
    new Promise((resolve, reject) => {
      const began = due;
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
  const before = serverSide(await metricsText(url, agent));
  const latencies = [];
  const lateness = [];
  const pending = [];
  const total = rate * seconds;
  const start = performance.now();
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    lateness.push(Math.max(0, performance.now() - due));
    pending.push(predict(due).then((ms) => latencies.push(ms)));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  const after = serverSide(await metricsText(url, agent));
  const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.max(0, Math.ceil(values.length * q) - 1))];
  const served = after.count - before.count;
  console.log(
    `paced: median ${quantile(latencies, 0.5).toFixed(2)} ms, p90 ${quantile(latencies, 0.9).toFixed(2)} ms, p99.9 ${quantile(latencies, 0.999).toFixed(2)} ms (from each request's scheduled time)\n` +
      `  load generator: sent p99 ${quantile(lateness, 0.99).toFixed(2)} ms late; server: ${served - (after.within20ms - before.within20ms)} of ${served} took over 20 ms inside it, ` +
      `${(((after.cpuSeconds - before.cpuSeconds) * 1e6) / served).toFixed(0)} µs CPU per request`,
  );
  record(`serving.paced-${rate}.rate`, `ds serve-model: /predict answered, paced at ${rate}/s for ${seconds} s`, 'requests/s', latencies.length / elapsed);
  record(`serving.paced-${rate}.p99`, `ds serve-model: p99 latency, paced at ${rate}/s`, 'ms', quantile(latencies, 0.99));
  record(`serving.paced-${rate}.p50`, `ds serve-model: median latency, paced at ${rate}/s`, 'ms', quantile(latencies, 0.5));
  record(`serving.paced-${rate}.send-lag-p99`, `ds serve-model bench: p99 of how late the load generator sent`, 'ms', quantile(lateness, 0.99));
  record(
    `serving.paced-${rate}.server-cpu`,
    `ds serve-model: server CPU per /predict, paced at ${rate}/s`,
    'µs',
    ((after.cpuSeconds - before.cpuSeconds) * 1e6) / served,
  );
  agent.destroy();
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(project, { recursive: true, force: true });
}

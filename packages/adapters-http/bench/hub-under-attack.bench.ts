/**
 * The hub under a denial-of-service attempt, over loopback. Run:
 * `node packages/adapters-http/bench/hub-run.mjs under-attack`.
 *
 * A hub child process (default limits, as `ds serve` runs) serves 20 legitimate
 * clients in this process, each appending one event every 20 ms (1,000 appends/s
 * in all; latency counted from when a request was due, so a client held back still
 * counts its wait). First alone, then while an attacker — a third process, as it
 * would be — holds 10,000 idle connections (opened in waves, reopened as the hub
 * closes them) and 200 clients without a token that each announce a 32 MiB JSON
 * body and trickle it a KiB a second (trying again a second after the hub hangs up:
 * a slow client, not a request flood — a flood of refused requests is a matter for
 * rate limiting in front of the hub). Targets (issue 20): p99 ≤ 50 ms under attack,
 * the hub's memory (RSS, sampled every 200 ms) under 512 MB. Every loop is bounded
 * in count and time; everything stops when the measurement ends.
 */
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machineLine, skipped, summarise } from '../../core/bench/measurement.js';
import { HttpEventStore, hubPaths, TokenRegistry } from '../src/index.js';
import { metric, opening, serveHub, startChild, type ServerChild } from './hub-child.js';

const BENCH = 'adapters-http: hub under attack';
const IDLE = 10_000;
const SLOW = 200;
const LEGIT = 20;
const INTERVAL_MS = 20;
const RUN_MS = 3_000;
const RUNS = 5;
/** Longest the flood may take to open; what it has by then is what the hub holds. */
const FLOOD_OPEN_MS = 60_000;

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** `LEGIT` clients, paced, for RUN_MS: every request's latency from when it was due. */
async function pacedRun(clients: HttpEventStore[], streams: string[], revisions: number[]): Promise<number[]> {
  const latencies: number[] = [];
  const begin = performance.now();
  const until = begin + RUN_MS;
  await Promise.all(
    clients.map(async (client, c) => {
      for (let due = begin + (c * INTERVAL_MS) / clients.length; due < until; due += INTERVAL_MS) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const events = opening(streams[c]!, [metric(revisions[c]! + 1)], revisions[c]!);
        await client.append(streams[c]!, events, { expectedRevision: revisions[c]! });
        revisions[c]! += events.length;
        latencies.push(performance.now() - due);
      }
    }),
  );
  return latencies.sort((a, b) => a - b);
}

interface AttackFigures {
  idleOpen: number;
  idleRefused: number;
  slowAnswered401: number;
  slowOther: number;
}

/** The attack: idle connections and slow bodies without a token, kept up until stopped. */
class Attack implements AttackFigures {
  private running = true;
  private readonly sockets = new Set<Socket>();
  idleOpen = 0;
  idleRefused = 0;
  slowAnswered401 = 0;
  slowOther = 0;

  constructor(private readonly port: number) {}

  async openIdle(): Promise<void> {
    const deadline = performance.now() + FLOOD_OPEN_MS;
    for (let opened = 0; opened < IDLE && this.running && performance.now() < deadline;) {
      const wave = Math.min(250, IDLE - opened);
      await Promise.all(Array.from({ length: wave }, () => this.idle()));
      opened += wave;
    }
  }

  /** One idle connection, reopened (while the attack runs) when the hub closes it. */
  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: this.port });
      this.sockets.add(socket);
      let counted = false;
      socket.once('connect', () => {
        counted = true;
        this.idleOpen++;
        resolve();
      });
      socket.on('error', () => undefined);
      socket.once('close', () => {
        this.sockets.delete(socket);
        if (counted) this.idleOpen--;
        else {
          this.idleRefused++;
          resolve();
        }
        if (this.running && counted) setTimeout(() => void this.idle(), 100);
      });
    });
  }

  startSlowBodies(): void {
    for (let i = 0; i < SLOW; i++) this.slowBody();
  }

  /** A client without a token announcing 32 MiB and sending a KiB a second; again a second after the hub hangs up. */
  private slowBody(): void {
    if (!this.running) return;
    const socket = connect({ host: '127.0.0.1', port: this.port });
    this.sockets.add(socket);
    let answer = '';
    let trickle: NodeJS.Timeout | undefined;
    socket.once('connect', () => {
      socket.write(
        `POST ${hubPaths.stream('bench', 'run-attack')} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${32 * 1024 * 1024}\r\n\r\n{"events":[`,
      );
      trickle = setInterval(() => socket.writable && socket.write(' '.repeat(1024)), 1000);
    });
    socket.setEncoding('latin1').on('data', (chunk: string) => (answer += chunk));
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearInterval(trickle);
      this.sockets.delete(socket);
      if (answer.startsWith('HTTP/1.1 401')) this.slowAnswered401++;
      else this.slowOther++;
      if (this.running) setTimeout(() => this.slowBody(), 1000);
    });
  }

  stop(): void {
    this.running = false;
    for (const socket of this.sockets) socket.destroy();
  }

  figures(): AttackFigures {
    return { idleOpen: this.idleOpen, idleRefused: this.idleRefused, slowAnswered401: this.slowAnswered401, slowOther: this.slowOther };
  }
}

/** The attacker's own process (as an attacker would be): opens the flood, answers each IPC message with its figures, stops on 'stop'. */
async function attackFrom(port: number): Promise<void> {
  const attack = new Attack(port);
  const opening = attack.openIdle();
  attack.startSlowBodies();
  await opening;
  process.on('message', (message) => {
    if (message === 'stop') attack.stop();
    process.send!(attack.figures(), () => message === 'stop' && process.exit(0));
  });
  process.send!(attack.figures());
}

/** Start the attacker in a child process; resolves once its flood is open. */
async function startAttacker(port: number): Promise<{ figures(): Promise<AttackFigures>; stop(): Promise<AttackFigures> }> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'attack', String(port)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let exited = false;
  child.once('exit', () => (exited = true));
  child.on('error', () => undefined); // a send to an attacker that is gone: answered by the timeout below
  const next = () => new Promise<AttackFigures>((resolve) => child.once('message', (m) => resolve(m as AttackFigures)));
  await next();
  // Bounded: an attacker that died answers nothing, and is then killed.
  const ask = (message: string) => {
    if (exited) return Promise.reject(new Error('the attacker process has exited'));
    return new Promise<AttackFigures>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error('the attacker process did not answer'));
      }, 10_000);
      void next().then((figures) => {
        clearTimeout(timer);
        resolve(figures);
      });
      child.send(message);
    });
  };
  return { figures: () => ask('figures'), stop: () => ask('stop') };
}

/** The process's soft limit on open descriptors (Linux), or undefined. */
function descriptorLimit(): number | undefined {
  try {
    return Number(/^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1]);
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  console.log(`${BENCH} — ${machineLine()}`);
  const limit = descriptorLimit();
  if (limit !== undefined && limit < IDLE + SLOW + LEGIT + 500) {
    for (const key of ['hub.attack.p99', 'hub.attack.rss', 'hub.attack.baseline.p99'])
      skipped(BENCH, key, key, `needs ${IDLE + SLOW + LEGIT + 500} open files in this process (ulimit -n is ${limit})`);
    return;
  }
  const root = await mkdtemp(join(tmpdir(), 'ds-hub-attack-'));
  const token = (await TokenRegistry.inDirectory(root).create('bench', 'write')).token;
  const hub: ServerChild = await startChild(fileURLToPath(import.meta.url), ['hub', root]);
  const clients = Array.from({ length: LEGIT }, () => new HttpEventStore({ url: hub.url, token }));
  const streams = clients.map(() => `run-legit-${randomUUID()}`);
  const revisions = clients.map(() => -1);
  let attacker: Awaited<ReturnType<typeof startAttacker>> | undefined;
  let peakRss = 0;
  let sampling = false;
  let sampler: Promise<void> = Promise.resolve();
  try {
    const baseline: number[] = [];
    await pacedRun(clients, streams, revisions); // warm-up: connections, the project's store
    for (let run = 0; run < RUNS; run++) baseline.push(percentile(await pacedRun(clients, streams, revisions), 99));
    summarise(
      BENCH,
      `${LEGIT} clients paced at ${(LEGIT * 1000) / INTERVAL_MS} appends/s in all, no attack: p99 latency`,
      'ms',
      baseline,
      1,
      'hub.attack.baseline.p99',
    );

    peakRss = await hub.rssBytes();
    sampling = true;
    sampler = (async () => {
      while (sampling) {
        peakRss = Math.max(peakRss, await hub.rssBytes());
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    attacker = await startAttacker(Number(new URL(hub.url).port));
    const up = await attacker.figures();
    console.log(`attack up: ${up.idleOpen.toLocaleString('en-US')} idle connections held (${up.idleRefused} refused), ${SLOW} slow-body clients`);
    const underAttack: number[] = [];
    const held: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      underAttack.push(percentile(await pacedRun(clients, streams, revisions), 99));
      held.push((await attacker.figures()).idleOpen);
    }
    sampling = false;
    await sampler.catch(() => undefined);
    const last = await attacker.stop();
    attacker = undefined;
    const name = `${LEGIT} clients paced at ${(LEGIT * 1000) / INTERVAL_MS} appends/s in all, under ${IDLE.toLocaleString('en-US')} idle connections + ${SLOW} slow-body clients without tokens`;
    summarise(BENCH, `${name}: p99 latency`, 'ms', underAttack, 1, 'hub.attack.p99');
    summarise(BENCH, `${name}: hub peak memory (RSS)`, 'MB', [peakRss / 1e6], 1, 'hub.attack.rss');
    summarise(BENCH, `${name}: idle connections held open`, 'connections', held, 1, 'hub.attack.idle-held');
    console.log(
      `slow-body attempts answered 401 and closed: ${last.slowAnswered401.toLocaleString('en-US')}; closed otherwise: ${last.slowOther.toLocaleString('en-US')}`,
    );
  } catch (error) {
    console.error('hub under attack: the measurement failed:', error);
    throw error;
  } finally {
    sampling = false;
    await sampler.catch(() => undefined);
    hub.stop();
    await attacker?.stop().catch(() => undefined);
    await Promise.all(clients.map((c) => c.close()));
    await new Promise((r) => setTimeout(r, 300));
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[2] === 'hub') await serveHub(process.argv[3]!);
else if (process.argv[2] === 'attack') await attackFrom(Number(process.argv[3]));
else await main();

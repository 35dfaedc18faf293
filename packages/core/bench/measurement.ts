/**
 * Repeated measurement for the benchmark scripts (core and adapters): warm-up runs
 * that are thrown away, then `runs` timed runs, reported as the median rate and its
 * spread (min–max). With BENCH_RESULTS set, each measurement is also appended to that
 * file as one JSON line, which `pnpm bench` gathers.
 */
import { appendFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export interface Timed {
  /** Things done in the run (events, appends, files …). */
  count: number;
  ms: number;
}

export interface Measurement {
  bench: string;
  name: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  runs: number;
  /** Rate of every timed run, in order. */
  rates: number[];
  /** Median size of one run (`count`). */
  count: number;
  /** Stable identifier the `pnpm bench` orchestrator (bench/run-all.mjs) finds this figure by. */
  key?: string;
}

/** A figure that could not be measured in this run, and why (rendered as a visible skip). */
export interface Skip {
  bench: string;
  key: string;
  name: string;
  skipped: string;
}

export interface MeasureOptions {
  warmups?: number;
  runs?: number;
  key?: string;
}

/** Time `fn` (which does `count` things) once. */
export async function timed(fn: () => Promise<number> | number): Promise<Timed> {
  const start = performance.now();
  const count = await fn();
  return { count, ms: performance.now() - start };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Run `run` warm-up times untimed-for-the-record, then `runs` times; print and return the median rate (count per second). */
export async function measure(bench: string, name: string, unit: string, run: () => Promise<Timed>, options: MeasureOptions = {}): Promise<Measurement> {
  const warmups = options.warmups ?? 1;
  const runs = Math.max(5, options.runs ?? 5);
  for (let i = 0; i < warmups; i++) await run();
  const samples: Timed[] = [];
  for (let i = 0; i < runs; i++) samples.push(await run());
  const rates = samples.map((s) => (s.count / s.ms) * 1000);
  const m: Measurement = {
    bench,
    name,
    unit,
    median: median(rates),
    min: Math.min(...rates),
    max: Math.max(...rates),
    runs,
    rates,
    count: median(samples.map((s) => s.count)),
    ...(options.key ? { key: options.key } : {}),
  };
  report(m);
  return m;
}

/**
 * Time `run` (which returns the milliseconds it measured itself, so that preparing a
 * fresh tree or repository stays outside the timing) after warm-ups; report seconds.
 */
export async function measureSeconds(bench: string, name: string, run: () => Promise<number>, options: MeasureOptions = {}): Promise<Measurement> {
  const warmups = options.warmups ?? 1;
  const runs = Math.max(5, options.runs ?? 5);
  for (let i = 0; i < warmups; i++) await run();
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) seconds.push((await run()) / 1000);
  return summarise(bench, name, 's', seconds, 1, options.key);
}

/** Record that a figure was not measured, with the reason (printed, and a JSON line for `pnpm bench`). */
export function skipped(bench: string, key: string, name: string, reason: string): Skip {
  const skip: Skip = { bench, key, name, skipped: reason };
  console.log(`${name.padEnd(58)} skipped: ${reason}`);
  const file = process.env['BENCH_RESULTS'];
  if (file) appendFileSync(file, `${JSON.stringify(skip)}\n`);
  return skip;
}

/** Record a figure measured once per run elsewhere (e.g. seconds for a re-capture) with the same median/spread treatment. */
export function summarise(bench: string, name: string, unit: string, values: number[], count = 1, key?: string): Measurement {
  const m: Measurement = {
    bench,
    name,
    unit,
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    runs: values.length,
    rates: values,
    count,
    ...(key ? { key } : {}),
  };
  report(m);
  return m;
}

const figure = (v: number): string => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3));

function report(m: Measurement): void {
  const spread = m.median === 0 ? 0 : ((m.max - m.min) / m.median) * 100;
  console.log(
    `${m.name.padEnd(58)} ${figure(m.median).padStart(12)} ${m.unit.padEnd(10)} min ${figure(m.min)} … max ${figure(m.max)} (spread ${spread.toFixed(0)}%, ${m.runs} runs)`,
  );
  const file = process.env['BENCH_RESULTS'];
  if (file) appendFileSync(file, `${JSON.stringify(m)}\n`);
}

export function machineLine(): string {
  const cpu = cpus();
  return `machine: ${cpu[0]?.model ?? 'unknown cpu'} × ${cpu.length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${process.platform}`;
}

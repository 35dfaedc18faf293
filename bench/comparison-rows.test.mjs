import { describe, expect, it } from 'vitest';
import { benchSettings } from './bench-settings.mjs';
import { comparisonRows, evaluateRows } from './comparison-rows.mjs';

const figure = (key, median, unit, extra = {}) => ({ bench: 'b', name: key, key, unit, median, min: median * 0.9, max: median * 1.1, runs: 5, ...extra });
const rowsFor = (figures, skips = [], missing = 'not measured') =>
  evaluateRows(comparisonRows(benchSettings()), figures, skips, missing).filter((r) => !r.group);
const row = (rows, measure, peerLabel) => rows.find((r) => r.measure.startsWith(measure) && (!peerLabel || r.peer?.label === peerLabel));

describe('the benchmark table', () => {
  it('given times, when ours is 6× faster than datalad save on a small-file tree, then the ratio is 6 and the ≥ 5× target is met', () => {
    const rows = rowsFor([figure('capture.small.first.ours', 1, 's'), figure('capture.small.first.datalad', 6, 's')]);
    const r = row(rows, 'first capture, 400 × 4 KiB', '`datalad save`');
    expect(r.ratio).toBeCloseTo(6);
    expect(r.target).toBe('≥ 5× faster');
    expect(r.met).toBe(true);
  });

  it('given rates, when ours appends fewer records per second than SQLite, then the ratio is below 1 and the target is missed', () => {
    const rows = rowsFor([figure('appends.batched.ours', 30_000, 'events/s'), figure('appends.batched.sqlite', 40_000, 'events/s')]);
    const r = row(rows, 'batched appends (1,000 records per commit)');
    expect(r.ratio).toBeCloseTo(0.75);
    expect(r.met).toBe(false);
  });

  it('given a bound, when ours is under the time bound, then the row is met with bound ÷ ours', () => {
    const rows = rowsFor([figure('metric.amortized', 0.5, 'µs/call')]);
    const r = row(rows, '`ds.metric()` × 1,000,000 + publish, amortized');
    expect(r.peer.bound).toBe(true);
    expect(r.ratio).toBeCloseTo(4);
    expect(r.met).toBe(true);
  });

  it('given the runner figures, when the overhead is compared, then bare `true` is subtracted from both sides', () => {
    const rows = rowsFor([figure('runner.true', 0.01, 's'), figure('runner.ours', 0.11, 's'), figure('runner.datalad', 0.61, 's')]);
    const r = row(rows, '`ds run -- true` overhead');
    expect(r.ours.median).toBeCloseTo(0.1);
    expect(r.peer.median).toBeCloseTo(0.6);
    expect(r.ratio).toBeCloseTo(6);
    expect(r.met).toBe(true);
  });

  it('given `ds run` with and without 2 GB of untracked data, then the row is met when the data adds at most 0.5 s', () => {
    const figures = (withData) => [figure('runner.ours.without-data', 0.6, 's'), figure('runner.ours.untracked-2gb', withData, 's')];
    const met = row(rowsFor(figures(1.0)), '`ds run -- true` in a git repository with 2 GB');
    expect(met.peer).toMatchObject({ bound: true, median: 1.1, label: 'bound: same without the data + 0.5 s' });
    expect(met.ratio).toBeCloseTo(1.1);
    expect(met.met).toBe(true);
    const missed = row(rowsFor(figures(1.2)), '`ds run -- true` in a git repository with 2 GB');
    expect(missed.met).toBe(false);
  });

  it('given a peer the bench skipped, when the row is filled, then it is skipped with that reason and neither met nor missed', () => {
    const rows = rowsFor(
      [figure('capture.medium.first.ours', 1, 's')],
      [{ bench: 'b', key: 'capture.medium.first.git-annex', name: 'x', skipped: 'git is not installed' }],
    );
    const r = row(rows, 'first capture, 200 × 100 KiB', '`git annex add`');
    expect(r.skipped).toBe('git is not installed');
    expect(r.ratio).toBeNull();
    expect(r.met).toBeNull();
  });

  it('given no figure and no skip, when the row is filled, then it carries the run-level reason', () => {
    const rows = rowsFor([], [], 'not measured: event store failed (exit 1)');
    expect(row(rows, 'event store: batched appends (issue 3)').skipped).toBe('not measured: event store failed (exit 1)');
  });

  it('given sizes below the issue’s, when the rows are named, then they say they were sized down', () => {
    const rows = rowsFor([]);
    expect(row(rows, 'first capture, 400 × 4 KiB').measure).toContain('sized down from 100k × 4 KB');
  });

  it('given the hub under attack at a 30 ms p99 and 300 MB, and saturating clients at 0.75× bare node:http, then both attack targets are met and the 0.8× target is missed', () => {
    const rows = rowsFor([
      figure('hub.attack.p99', 30, 'ms'),
      figure('hub.attack.rss', 300, 'MB'),
      figure('hub.concurrent', 7_500, 'events/s'),
      figure('hub.concurrent.limit', 10_000, 'events/s'),
    ]);
    expect(row(rows, 'hub under attack: p99').met).toBe(true);
    expect(row(rows, 'hub under attack: hub peak memory').met).toBe(true);
    const saturating = row(rows, 'hub: 100 clients saturating (closed loop), appends/s');
    expect(saturating.ratio).toBeCloseTo(0.75);
    expect(saturating.met).toBe(false);
  });

  it('given batched appends at 180k/s on a disk whose bare write + fdatasync gives 1.0M/s, then the ratio target (≥ 0.14) is met though the absolute 200,000/s is missed', () => {
    const rows = rowsFor([figure('event-store.batched', 180_000, 'events/s'), figure('event-store.batched.limit', 1_000_000, 'events/s')]);
    const r = row(rows, 'event store: batched appends (issue 3)');
    expect(r.ratio).toBeCloseTo(0.18);
    expect(r.met).toBe(true);
    expect(r.absolute).toEqual({ text: '≥ 200,000/s', met: false });
  });

  it('given the same appends on a disk twice as fast (2.0M/s), then the ratio target is missed though the absolute one holds', () => {
    const rows = rowsFor([figure('event-store.batched', 210_000, 'events/s'), figure('event-store.batched.limit', 2_000_000, 'events/s')]);
    const r = row(rows, 'event store: batched appends (issue 3)');
    expect(r.met).toBe(false);
    expect(r.absolute.met).toBe(true);
  });

  it('given ds runs at 150 ms in turns with node -e 0 at 90 ms (a loaded machine), then ≤ 2 × node -e 0 is met and the absolute 120 ms, in another unit, is missed', () => {
    const rows = rowsFor([figure('cli.runs', 150, 'ms'), figure('cli.node-floor', 90, 'ms')]);
    const r = row(rows, '`ds runs` on a 10-run store');
    expect(r.ratio).toBeCloseTo(0.6);
    expect(r.met).toBe(true);
    expect(r.absolute).toEqual({ text: '≤ 120 ms', met: false });
  });

  it('given a sweep at 4 ms per run where one write + fdatasync takes 0.5 ms, then ≤ 15 × the limit is met and the absolute 3 ms is missed', () => {
    const rows = rowsFor([figure('sweep.per-run', 4, 'ms'), figure('sweep.fdatasync', 0.5, 'ms')]);
    const r = row(rows, 'SDK sweep');
    expect(r.met).toBe(true);
    expect(r.absolute.met).toBe(false);
  });
});

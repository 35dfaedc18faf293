// Sizes for `pnpm bench`, each overridable by an environment variable. The defaults are
// sized so the whole suite fits in about 10 minutes on a 2-core machine; where that meant
// less data than the issue names, `issueSize` says what the issue asked for and the
// table says the size was reduced.

/** @typedef {{ env: string, value: number, issueSize: number, what: string }} Setting */

const setting = (env, fallback, issueSize, what) => {
  const raw = process.env[env];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${env}=${raw}: expected a non-negative number`);
  return { env, value, issueSize, what };
};

export function benchSettings() {
  return {
    bigFileMiB: setting('BENCH_BIG_FILE_MIB', 128, 1024, 'dataset capture: the one big file, MiB'),
    mediumFiles: setting('BENCH_MEDIUM_FILES', 200, 10_000, 'dataset capture: files of 100 KiB'),
    smallFiles: setting('BENCH_SMALL_FILES', 400, 100_000, 'dataset capture: files of 4 KiB'),
    dataStoreMiB: setting('BENCH_DATA_STORE_MIB', 128, 1024, 'FsDataStore per-core capture vs sha256sum, MiB'),
    dataStoreSmallFiles: setting('BENCH_DATA_STORE_SMALL_FILES', 100_000, 100_000, 'FsDataStore re-capture of unchanged small files'),
    replayEvents: setting('BENCH_REPLAY_EVENTS', 500_000, 1_000_000, 'event store replay, events'),
    projectionEvents: setting('BENCH_PROJECTION_EVENTS', 1_000_000, 1_000_000, 'projection rebuild, events'),
    metricCalls: setting('BENCH_METRIC_CALLS', 1_000_000, 1_000_000, 'ds.metric() calls per run'),
    coldStartRuns: setting('BENCH_COLD_START_RUNS', 1_000, 1_000, '`ds runs` cold start: runs in the store'),
    sweepRuns: setting('BENCH_SWEEP_RUNS', 10_000, 10_000, 'SDK sweep: runs one process records'),
  };
}

/** Seconds one step may take before it is stopped and reported as not finished. */
export const stepTimeoutSeconds = () => Number(process.env.BENCH_STEP_TIMEOUT_S || 300);

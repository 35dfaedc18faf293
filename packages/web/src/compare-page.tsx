import { useEffect, useState } from 'preact/hooks';
import type { RunView } from '@dotscience/core';
import type { HubApi, MetricSeries } from './hub-api.js';
import { MetricChart } from './metric-chart.js';
import { CHART_POINTS, seriesNames } from './run-page.js';
import { href } from './routes.js';
import { metricRows, shown } from './compare-rows.js';

/** 2–10 runs side by side: each metric's series overlaid, every parameter, then each metric's last/min/max, the differing ones marked. */
export function ComparePage({ api, runIds }: { api: HubApi; runIds: string[] }) {
  const [runs, setRuns] = useState<RunView[] | null>(null);
  const [series, setSeries] = useState<MetricSeries[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (runIds.length < 2 || runIds.length > 10) return setError(`compare takes 2 to 10 runs, not ${runIds.length} — tick them in the runs table`);
    void (async () => {
      const loaded = await Promise.all(runIds.map((id) => api.run(id)));
      setRuns(loaded);
      setSeries(await Promise.all(loaded.flatMap((run) => seriesNames(run).map((name) => api.metricSeries(run.runId, name, CHART_POINTS)))));
    })().catch((failure: Error) => setError(failure.message));
  }, [runIds.join(',')]);
  if (error) return <p class="error">{error}</p>;
  if (!runs) return <p>loading…</p>;
  const metricNames = [...new Set(series.map((s) => s.name))];
  const paramNames = [...new Set(runs.flatMap((r) => Object.keys(r.parameters)))].sort();
  return (
    <section>
      <h2>Comparing {runs.length} runs</h2>
      <div class="grid charts">
        {metricNames.map((name) => (
          <div class="card" key={name}>
            <MetricChart title={name} lines={series.filter((s) => s.name === name).map((s) => ({ label: s.runId.slice(0, 13), x: s.x, y: s.y }))} />
          </div>
        ))}
      </div>
      <table class="kv diff card">
        <thead>
          <tr>
            <th>parameter</th>
            {runs.map((r) => (
              <th key={r.runId}>
                <a href={href.run(r.runId)}>{r.runId.slice(0, 13)}</a>
              </th>
            ))}
          </tr>
        </thead>
        <DiffRows rows={paramNames.map((name) => ({ label: name, values: runs.map((r) => shown(r.parameters[name])) }))} />
      </table>
      <table class="kv diff card metrics-table">
        <thead>
          <tr>
            <th>metric</th>
            {runs.map((r) => (
              <th key={r.runId}>{r.runId.slice(0, 13)}</th>
            ))}
          </tr>
        </thead>
        <DiffRows rows={metricRows(runs)} />
      </table>
    </section>
  );
}

/** One row per label, one cell per run; a row whose cells differ is marked. */
function DiffRows({ rows }: { rows: Array<{ label: string; values: string[] }> }) {
  return (
    <tbody>
      {rows.map(({ label, values }) => {
        const differs = new Set(values).size > 1;
        return (
          <tr key={label}>
            <td>{label}</td>
            {values.map((v, i) => (
              <td key={i} class={differs ? 'differs mono' : 'mono'}>
                {v}
              </td>
            ))}
          </tr>
        );
      })}
    </tbody>
  );
}

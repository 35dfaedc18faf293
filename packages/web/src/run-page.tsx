import { useEffect, useState } from 'preact/hooks';
import type { RunView } from '@dotscience/core';
import type { HubApi, MetricSeries, RunHistory } from './hub-api.js';
import { subscribeToEvents } from './live-events.js';
import { MetricChart } from './metric-chart.js';
import { href } from './routes.js';
import { KeyValues } from './key-values.js';
import { WORKLOAD_LOG_PATH, WorkloadLog } from './workload-log.js';
import { NotebookView } from './notebook-view.js';
import { RunModels } from './run-models.js';
import { RunIdentity } from './run-identity.js';

/** Points asked of the hub per chart: a few per pixel column, the hub keeps each bucket's min and max. */
export const CHART_POINTS = 2000;

/** The metrics of a run that have a series to chart: not a summary value standing in as a metric (docs/decisions.md). */
export const seriesNames = (run: RunView): string[] => Object.keys(run.metrics).filter((name) => run.metrics[name]!.source !== 'summary');

function useRunData(api: HubApi, runId: string) {
  const [run, setRun] = useState<RunView | null>(null);
  const [series, setSeries] = useState<Record<string, MetricSeries>>({});
  const [history, setHistory] = useState<RunHistory | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = async (): Promise<RunView> => {
    const loaded = await api.run(runId);
    setRun(loaded);
    const all = await Promise.all(seriesNames(loaded).map((name) => api.metricSeries(loaded.runId, name, CHART_POINTS)));
    setSeries(Object.fromEntries(all.map((s) => [s.name, s])));
    setHistory(await api.history(loaded.runId));
    return loaded;
  };
  useEffect(() => {
    let stop = (): void => undefined;
    refresh().then(
      (loaded) => {
        if (loaded.status !== 'running') return;
        // Live: refresh (at most once a second) while events of this run arrive.
        let timer: ReturnType<typeof setTimeout> | undefined;
        stop = subscribeToEvents(api, loaded.lastPosition + 1, (event) => {
          if (event.stream !== `run-${loaded.runId}` || timer) return;
          timer = setTimeout(() => ((timer = undefined), void refresh()), 1000);
        });
      },
      (failure: Error) => setError(failure.message),
    );
    return () => stop();
  }, [runId]);
  return { run, series, history, error };
}

export function RunPage({ api, runId }: { api: HubApi; runId: string }) {
  const { run, series, history, error } = useRunData(api, runId);
  if (error) return <p class="error">{error}</p>;
  if (!run) return <p>loading…</p>;
  return (
    <section class="run-page">
      <h2>
        run <span class="mono">{run.runId}</span> <span class={`status-${run.status}`}>{run.status}</span>
      </h2>
      <p>{run.description}</p>
      <p>
        <a href={href.lineage(`run:${run.runId}`)}>provenance graph</a> · started {run.startedAt}
        {run.endedAt ? ` · ended ${run.endedAt}` : ''} · {run.environment.user}@{run.environment.host} · code{' '}
        {run.codeVersion.gitCommit?.slice(0, 12) ?? 'no git commit'}
        {run.codeVersion.dirty ? ' (dirty)' : ''}
      </p>
      {run.error && <p class="error">{run.error.message}</p>}
      {run.deleted && (
        <p class="error">
          deleted {run.deleted.at}
          {run.deleted.by ? ` by ${run.deleted.by}` : ''}: {run.deleted.reason}
        </p>
      )}
      {run.archived && <p>archived (ds restore brings it back into the runs table)</p>}
      <RunIdentity run={run} />
      <div class="grid charts">
        {Object.values(series).map((s) => (
          <div class="card" key={s.name}>
            <MetricChart title={s.name} lines={[{ label: s.name, x: s.x, y: s.y }]} />
            <small>
              {s.total} points{s.downsampled ? `, ${s.x.length} drawn (min/max buckets)` : ''}
            </small>
          </div>
        ))}
      </div>
      <div class="grid">
        <KeyValues title="Parameters" values={run.parameters} />
        <KeyValues title="Summary" values={run.summary} />
        <KeyValues title="Labels" values={run.labels} />
        <KeyValues title="Tags" values={run.tags ?? {}} />
        <KeyValues title="Metrics (last)" values={Object.fromEntries(Object.entries(run.metrics).map(([k, m]) => [k, m.last]))} />
      </div>
      {run.notes && run.notes.length > 0 && (
        <div class="card">
          <h3>Notes</h3>
          <table class="kv">
            <tbody>
              {run.notes.map((n, i) => (
                <tr key={i}>
                  <td>{n.at.replace('T', ' ').slice(0, 19)}</td>
                  <td>{n.by ?? ''}</td>
                  <td>{n.note}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="grid">
        {(['inputs', 'outputs'] as const).map((side) => (
          <div class="card" key={side}>
            <h3>{side === 'inputs' ? 'Inputs' : 'Outputs'}</h3>
            <table class="kv">
              <tbody>
                {run[side].map((d) => (
                  <tr key={d.path}>
                    <td class="mono">{d.path}</td>
                    <td>
                      <a href={href.lineage(d.dataset)}>{d.dataset}</a>
                    </td>
                    <td class="mono">{d.version.digest?.slice(0, 19)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
        <RunModels api={api} run={run} />
      </div>
      {run.codeVersion.notebook?.digest && (
        <NotebookView
          api={api}
          notebook={run.codeVersion.notebook}
          path={run.workload.notebook ?? 'notebook'}
          {...(run.workload.cell === undefined ? {} : { cell: run.workload.cell })}
        />
      )}
      {run.outputs
        .filter((d) => d.path === WORKLOAD_LOG_PATH && d.version.kind === 'directory')
        .map((log) => (
          <WorkloadLog api={api} log={log} key={log.path} />
        ))}
      {history && (
        <div class="card history">
          <h3>
            Event history{' '}
            <span class={`badge ${history.verified ? 'ok' : 'bad'}`} title={history.problem ?? 'every hash recomputed and chained'}>
              {history.verified ? 'hash chain verified' : 'hash chain broken'}
            </span>
          </h3>
          {history.problem && <p class="error">{history.problem}</p>}
          <table class="kv">
            <thead>
              <tr>
                <th>rev</th>
                <th>type</th>
                <th>recorded</th>
                <th>hash</th>
              </tr>
            </thead>
            <tbody>
              {history.events.map((e) => (
                <tr key={e.revision}>
                  <td>{e.revision}</td>
                  <td>{e.type}</td>
                  <td>{e.recordedAt}</td>
                  <td class="mono" title={`prev ${e.prevHash}`}>
                    {e.hash.slice(0, 16)}…
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

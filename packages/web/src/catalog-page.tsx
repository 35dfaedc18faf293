import { useEffect, useState } from 'preact/hooks';
import type { DatasetsState, ModelsState } from '@dotscience/core';
import type { HubApi } from './hub-api.js';
import { href } from './routes.js';

const RunLink = ({ runId }: { runId: string }) => <a href={href.run(runId)}>{runId.slice(0, 13)} </a>;

/** A version number a workstation gave and no hub settled yet is provisional (docs/decisions.md D104). */
const Provisional = ({ numbering }: { numbering: string }) =>
  numbering === 'local' ? (
    <span class="provisional" title="numbered by this store; the hub gives the settled number on push">
      {' '}
      (local, provisional)
    </span>
  ) : null;

/** Datasets and models with their versions, the run that produced each and the runs that used it. */
export function CatalogPage({ api }: { api: HubApi }) {
  const [datasets, setDatasets] = useState<DatasetsState | null>(null);
  const [models, setModels] = useState<ModelsState | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    Promise.all([api.datasets(), api.models()]).then(
      ([d, m]) => (setDatasets(d), setModels(m)),
      (failure: Error) => setError(failure.message),
    );
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!datasets || !models) return <p>loading…</p>;
  return (
    <section>
      <h2>Models</h2>
      <table class="kv card models">
        <thead>
          <tr>
            <th>model</th>
            <th>version</th>
            <th>framework</th>
            <th>produced by</th>
            <th>metrics at publish</th>
            <th>created</th>
          </tr>
        </thead>
        <tbody>
          {Object.values(models).flatMap((model) =>
            model.versions.map((v) => (
              <tr key={`${model.name}@${v.version}:${v.numbering}`}>
                <td>{model.name}</td>
                <td>
                  <a class="lineage-link" href={href.lineage(`model:${model.name}@${v.version}`)}>
                    v{v.version}
                  </a>
                  <Provisional numbering={v.numbering} />
                </td>
                <td>{v.framework ?? ''}</td>
                <td>
                  <RunLink runId={v.producedBy} />
                </td>
                <td class="mono">{JSON.stringify(v.metrics)}</td>
                <td>{v.createdAt}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
      <h2>Datasets</h2>
      <table class="kv card datasets">
        <thead>
          <tr>
            <th>dataset</th>
            <th>version</th>
            <th>digest</th>
            <th>bytes</th>
            <th>produced by</th>
            <th>used by</th>
          </tr>
        </thead>
        <tbody>
          {Object.values(datasets.datasets).flatMap((dataset) =>
            dataset.versions.map((v) => (
              <tr key={`${dataset.name}@${v.version}:${v.numbering}`}>
                <td>{dataset.name}</td>
                <td>
                  <a class="lineage-link" href={href.lineage(`dataset:${dataset.name}@${v.version}`)}>
                    v{v.version}
                  </a>
                  <Provisional numbering={v.numbering} />
                </td>
                <td class="mono">{v.ref.digest?.slice(0, 19)}</td>
                <td>{v.bytes}</td>
                <td>{v.producedBy ? <RunLink runId={v.producedBy} /> : 'outside'}</td>
                <td>
                  {v.consumedBy.map((id) => (
                    <RunLink key={id} runId={id} />
                  ))}
                </td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </section>
  );
}

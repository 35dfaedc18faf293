import { useEffect, useState } from 'preact/hooks';
import type { ModelsState, RunView } from '@dotscience/core';
import type { HubApi } from './hub-api.js';
import { href } from './routes.js';
import { runModelRows } from './run-model-rows.js';

/** The run page's Models card: each model the run produced, the version number, and the aliases and tags the registry gives it. */
export function RunModels({ api, run }: { api: HubApi; run: RunView }) {
  const [models, setModels] = useState<ModelsState | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.models().then(setModels, (failure: Error) => setError(failure.message));
  }, [run.runId, run.lastPosition]);
  const rows = runModelRows(run, models ?? {});
  return (
    <div class="card run-models">
      <h3>Models</h3>
      {error && <p class="error">{error}</p>}
      {rows.length === 0 ? (
        <small>none</small>
      ) : (
        <table class="kv">
          <tbody>
            {rows.map((m) => (
              <tr key={m.name} class="run-model" data-model={m.name}>
                <td>
                  <a href={href.lineage(m.version === null ? m.name : `${m.name}@${m.version}`)}>{m.version === null ? m.name : `${m.name}@${m.version}`}</a>
                </td>
                <td>
                  {m.aliases.map((alias) => (
                    <span class="badge alias" key={alias} title={`${m.name}@${alias} names this version`}>
                      @{alias}
                    </span>
                  ))}
                </td>
                <td class="model-tags">
                  {Object.entries(m.tags).map(([key, value]) => (
                    <span class="badge tag" key={key}>
                      {key}={value}
                    </span>
                  ))}
                  {m.description && <small class="model-description"> {m.description}</small>}
                </td>
                <td class="mono">{m.path}</td>
                <td>{m.framework ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

import { useEffect, useState } from 'preact/hooks';
import type { DeclaredData } from '@dotscience/core';
import type { HubApi } from './hub-api.js';

/** The declared output `ds run` captures a workload's stdout and stderr into (a directory version). */
export const WORKLOAD_LOG_PATH = 'ds-run:log';
const LARGEST_SHOWN = 2 * 1024 * 1024;

interface ManifestEntry {
  name: string;
  type: string;
  size: number;
  digest: string;
}

/** The captured stdout and stderr of a `ds run` workload, read from the hub's data objects. */
export function WorkloadLog({ api, log }: { api: HubApi; log: DeclaredData }) {
  const [streams, setStreams] = useState<Array<{ name: string; text: string }> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    void (async () => {
      const manifest = JSON.parse(await api.objectText(log.version.digest!)) as { entries: ManifestEntry[] };
      const files = manifest.entries.filter((e) => e.type === 'file');
      setStreams(
        await Promise.all(
          files.map(async (e) => ({
            name: e.name,
            text: e.size > LARGEST_SHOWN ? `(${e.size} bytes — too large to show here; ds show fetches it)` : await api.objectText(e.digest),
          })),
        ),
      );
    })().catch((failure: Error) => setError(failure.message));
  }, [log.version.digest]);
  return (
    <div class="card workload-log">
      <h3>Captured output</h3>
      {error && <p class="error">{error}</p>}
      {streams?.map((s) => (
        <details key={s.name} open={s.text.length > 0}>
          <summary>
            {s.name} ({s.text.length} characters)
          </summary>
          <pre class={`log-${s.name}`}>{s.text}</pre>
        </details>
      ))}
    </div>
  );
}

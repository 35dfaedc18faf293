import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { forgetToken, HubApi, keepToken, sessionToken } from './hub-api.js';
import { parseRoute, href, type Route } from './routes.js';
import { RunsPage } from './runs-page.js';
import { RunPage } from './run-page.js';
import { ComparePage } from './compare-page.js';
import { CatalogPage } from './catalog-page.js';
import { LineagePage } from './lineage-page.js';

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

function TokenForm({ problem, onToken }: { problem: string | null; onToken: (token: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <form class="token-form" onSubmit={(e) => (e.preventDefault(), onToken(value.trim()))}>
      <h1>dotscience</h1>
      <p>Paste a hub token (ds token create &lt;project&gt; read), or open the URL ds ui printed.</p>
      {problem && <p class="error">{problem}</p>}
      <input name="token" value={value} onInput={(e) => setValue(e.currentTarget.value)} placeholder="dst_…" />
      <button type="submit">Open</button>
    </form>
  );
}

function App() {
  const route = useRoute();
  const [api, setApi] = useState<HubApi | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const connect = (token: string | null): void => {
    if (!token) return;
    HubApi.connect(token).then(
      (connected) => (keepToken(token), setApi(connected), setProblem(null)),
      (error: Error) => (forgetToken(), setProblem(`the hub refused this token: ${error.message}`)),
    );
  };
  useEffect(() => connect(sessionToken()), []);
  if (!api) return <TokenForm problem={problem} onToken={connect} />;
  return (
    <div class="shell">
      <nav>
        <strong>dotscience</strong> <span class="project">{api.project}</span>
        <a href={href.runs()}>Runs</a>
        <a href={href.catalog()}>Datasets &amp; models</a>
      </nav>
      <main>
        {route.page === 'runs' && <RunsPage api={api} />}
        {route.page === 'run' && <RunPage api={api} runId={route.runId} key={route.runId} />}
        {route.page === 'compare' && <ComparePage api={api} runIds={route.runIds} />}
        {route.page === 'catalog' && <CatalogPage api={api} />}
        {route.page === 'lineage' && <LineagePage api={api} node={route.node} key={route.node} />}
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);

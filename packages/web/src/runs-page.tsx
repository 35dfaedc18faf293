import { useEffect, useRef, useState } from 'preact/hooks';
import type { RunView } from '@dotscience/core';
import { HubError, type HubApi, type HubErrorBody } from './hub-api.js';
import { href } from './routes.js';
import { chosenColumn, defaultColumnFields, FIXED_COLUMNS, type RunColumn } from './run-columns.js';
import { useVirtualRows } from './virtual-rows.js';

const PAGE = 100;
const ROW_HEIGHT = 30;

/** Runs fetched page by page as the table scrolls to them (server-side filter, sort and paging). */
interface RunPages {
  key: string;
  total: number;
  pages: Map<number, RunView[]>;
}

function ParseError({ filter, error }: { filter: string; error: HubErrorBody }) {
  if (!error.at) return <p class="parse-error">{error.message}</p>;
  const line = filter.split('\n')[error.at.line - 1] ?? '';
  const caret = `${' '.repeat(error.at.column - 1)}${'^'.repeat(Math.max(1, error.at.length))}`;
  return <pre class="parse-error" data-column={error.at.column}>{`${line}\n${caret}\n${error.message}`}</pre>;
}

export function RunsPage({ api }: { api: HubApi }) {
  const [filter, setFilter] = useState(() => sessionStorage.getItem('runs.filter') ?? '');
  const [applied, setApplied] = useState(filter);
  const [columnsText, setColumnsText] = useState(() => sessionStorage.getItem('runs.columns') ?? '');
  const [sort, setSort] = useState('');
  const [workloads, setWorkloads] = useState(false);
  const [data, setData] = useState<RunPages | null>(null);
  const [error, setError] = useState<HubErrorBody | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const viewport = useRef<HTMLDivElement>(null);
  const loading = useRef(new Set<string>());
  const key = `${applied}\u0000${sort}\u0000${workloads}`;

  // Until columns are typed, the most used parameters and metrics of the first page loaded.
  const firstPage = data?.pages.get(0) ?? [];
  const fields = columnsText.trim() === '' ? defaultColumnFields(firstPage) : columnsText.split(',');
  const columns: RunColumn[] = [...FIXED_COLUMNS, ...fields.map(chosenColumn).filter((c): c is RunColumn => c !== null)];
  const template = `32px ${columns.map((c) => c.width).join(' ')}`;

  const load = (page: number, forKey: string): void => {
    const id = `${forKey}\u0000${page}`;
    if (loading.current.has(id)) return;
    loading.current.add(id);
    api.runs(applied, sort, page * PAGE, PAGE, workloads).then(
      (result) => {
        setError(null);
        setData((previous) => {
          const base = previous?.key === forKey ? previous : { key: forKey, total: result.total, pages: new Map<number, RunView[]>() };
          const pages = new Map(base.pages).set(page, result.runs);
          return { key: forKey, total: result.total, pages };
        });
      },
      (failure: unknown) => {
        loading.current.delete(id);
        setError(failure instanceof HubError ? failure.body : { code: 'NETWORK', message: String(failure) });
      },
    );
  };

  useEffect(() => {
    sessionStorage.setItem('runs.filter', applied);
    loading.current.clear();
    viewport.current?.scrollTo(0, 0);
    load(0, key);
  }, [key]);
  useEffect(() => sessionStorage.setItem('runs.columns', columnsText), [columnsText]);

  const current = data?.key === key ? data : null;
  const rows = useVirtualRows(current?.total ?? 0, ROW_HEIGHT, () => viewport.current);
  const items = rows.getVirtualItems();
  useEffect(() => {
    if (!current) return;
    for (const page of new Set(items.map((item) => Math.floor(item.index / PAGE)))) if (!current.pages.has(page)) load(page, key);
  });

  const toggleSort = (field: string): void => setSort(sort === `${field} desc` ? `${field} asc` : `${field} desc`);
  const toggleSelected = (runId: string): void =>
    setSelected(selected.includes(runId) ? selected.filter((id) => id !== runId) : [...selected, runId].slice(-10));

  return (
    <section>
      <form class="toolbar" onSubmit={(e) => (e.preventDefault(), setApplied(filter))}>
        <input
          class="filter"
          name="filter"
          value={filter}
          onInput={(e) => setFilter(e.currentTarget.value)}
          placeholder="metrics.rmse < 1 and params.model = 'tree' order by metrics.rmse"
          spellcheck={false}
        />
        <button type="submit">Filter</button>
        <label title="also the ds run workloads that wrap the runs their program recorded">
          <input type="checkbox" name="workloads" checked={workloads} onChange={(e) => setWorkloads(e.currentTarget.checked)} /> workloads
        </label>
        <input
          class="columns"
          name="columns"
          value={columnsText}
          onChange={(e) => setColumnsText(e.currentTarget.value)}
          placeholder="columns: params.depth, metrics.rmse"
        />
        <a class={selected.length >= 2 ? '' : 'disabled'} href={selected.length >= 2 ? href.compare(selected) : undefined}>
          compare {selected.length} selected
        </a>
        <span class="count">{current ? `${current.total} runs` : 'loading…'}</span>
      </form>
      {error && <ParseError filter={applied} error={error} />}
      <div class="table">
        <div class="header" style={{ gridTemplateColumns: template }}>
          <span />
          {columns.map((c) => (
            <span key={c.title} title={`sort by ${c.sortField}`} onClick={() => toggleSort(c.sortField)}>
              {c.title}
              {sort.startsWith(`${c.sortField} `) ? (sort.endsWith('desc') ? ' ▼' : ' ▲') : ''}
            </span>
          ))}
        </div>
        <div class="viewport" ref={viewport}>
          <div style={{ height: `${rows.getTotalSize()}px`, position: 'relative' }}>
            {items.map((item) => {
              const run = current?.pages.get(Math.floor(item.index / PAGE))?.[item.index % PAGE];
              return (
                <div class="row run-row" key={item.key} data-run-id={run?.runId} style={{ top: `${item.start}px`, gridTemplateColumns: template }}>
                  <span>{run && <input type="checkbox" checked={selected.includes(run.runId)} onChange={() => toggleSelected(run.runId)} />}</span>
                  {columns.map((c, i) => (
                    <span key={c.title} class={c.title === 'status' && run ? `status-${run.status}` : ''}>
                      {run ? i === 0 ? <a href={href.run(run.runId)}>{c.value(run)}</a> : c.value(run) : '…'}
                    </span>
                  ))}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </section>
  );
}

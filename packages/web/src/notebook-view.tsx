import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import type { VersionRef } from '@dotscience/core';
import type { HubApi } from './hub-api.js';

/** nbformat multiline text: a string, or lines to be joined. */
type MultilineText = string | string[];

interface NotebookOutput {
  output_type: string;
  name?: string;
  text?: MultilineText;
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}

interface NotebookCell {
  cell_type: string;
  source?: MultilineText;
  execution_count?: number | null;
  outputs?: NotebookOutput[];
}

const joined = (text: unknown): string => (typeof text === 'string' ? text : Array.isArray(text) ? text.filter((t) => typeof t === 'string').join('') : '');

/** A run block in an output, shown as one line naming its run instead of its JSON. */
const withoutBlocks = (text: string): string =>
  text.replace(/\[\[DOTSCIENCE-RUN:([\w.-]+)\]\][\s\S]*?\[\[\/DOTSCIENCE-RUN:\1\]\]/g, (_block, runId: string) => `[dotscience run block ${runId}]`);

/** Inline markdown: `code`, **strong**, *emphasis*; everything else is text (nothing is parsed as HTML). */
function inline(text: string): ComponentChildren[] {
  const parts: ComponentChildren[] = [];
  const pattern = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*]+)\*/g;
  let last = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    if (match[1] !== undefined) parts.push(<code>{match[1]}</code>);
    else if (match[2] !== undefined) parts.push(<strong>{match[2]}</strong>);
    else parts.push(<em>{match[3]}</em>);
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** Markdown cells, read-only: headings, bullet lists, fenced code and paragraphs. */
function Markdown({ source }: { source: string }) {
  const blocks: ComponentChildren[] = [];
  const lines = source.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const Tag = `h${Math.min(6, heading[1]!.length + 2)}` as 'h3';
      blocks.push(<Tag>{inline(heading[2]!)}</Tag>);
    } else if (line.startsWith('```')) {
      const code: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) code.push(lines[i]!);
      blocks.push(<pre>{code.join('\n')}</pre>);
    } else if (/^\s*[-*]\s+/.test(line)) {
      const items: string[] = [];
      for (; i < lines.length && /^\s*[-*]\s+/.test(lines[i]!); i++) items.push(lines[i]!.replace(/^\s*[-*]\s+/, ''));
      i--;
      blocks.push(
        <ul>
          {items.map((item) => (
            <li>{inline(item)}</li>
          ))}
        </ul>,
      );
    } else if (line.trim() !== '') {
      const paragraph: string[] = [];
      for (; i < lines.length && lines[i]!.trim() !== '' && !/^(#|```|\s*[-*]\s)/.test(lines[i]!); i++) paragraph.push(lines[i]!);
      i--;
      blocks.push(<p>{inline(paragraph.join(' '))}</p>);
    }
  }
  return <div class="markdown">{blocks}</div>;
}

function OutputText({ output }: { output: NotebookOutput }) {
  if (output.output_type === 'stream') return <pre class={`output stream-${output.name ?? 'stdout'}`}>{withoutBlocks(joined(output.text))}</pre>;
  if (output.output_type === 'error') return <pre class="output error">{`${output.ename ?? 'Error'}: ${output.evalue ?? ''}`}</pre>;
  const plain = output.data?.['text/plain'];
  if (plain !== undefined) return <pre class="output result">{withoutBlocks(joined(plain))}</pre>;
  return <p class="output other">({Object.keys(output.data ?? {}).join(', ') || output.output_type} output not shown)</p>;
}

/**
 * The notebook a run was published from, at the version captured with the run
 * (its code version's `notebook`), rendered read-only: markdown, code with its
 * text outputs; the cell that published the run is marked.
 */
export function NotebookView({ api, notebook, path, cell }: { api: HubApi; notebook: VersionRef; path: string; cell?: number }) {
  const [cells, setCells] = useState<NotebookCell[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .objectText(notebook.digest!)
      .then((text) => {
        const parsed = JSON.parse(text) as { cells?: unknown };
        if (!Array.isArray(parsed.cells)) throw new Error('the captured file is not an nbformat 4 notebook');
        setCells(parsed.cells as NotebookCell[]);
      })
      .catch((failure: Error) => setError(failure.message));
  }, [notebook.digest]);
  return (
    <div class="card notebook">
      <h3>
        Notebook <span class="mono">{path}</span> <small class="mono">{notebook.digest?.slice(0, 19)}</small>
      </h3>
      {error && <p class="error">{error}</p>}
      {cells?.map((c, index) => (
        <div class={`cell cell-${c.cell_type}${index === cell ? ' published' : ''}`} key={index} data-cell={index}>
          {index === cell && <small class="published-note">this cell published the run</small>}
          {c.cell_type === 'markdown' ? (
            <Markdown source={joined(c.source)} />
          ) : (
            <>
              <pre class="source">
                <span class="prompt">[{c.execution_count ?? ' '}]</span> {joined(c.source)}
              </pre>
              {(c.outputs ?? []).map((o, i) => (
                <OutputText output={o} key={i} />
              ))}
            </>
          )}
        </div>
      ))}
    </div>
  );
}

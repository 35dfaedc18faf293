import { parentRunOf, type CodeVersion, type DatasetsState, type DeclaredData, type RunView } from '@dotscience/sdk';
import { versionNumberOf } from '../runs/data-versions.js';
import { renderTable } from './text-table.js';
import { byteSize, shortDigest, timeText, valueText } from './value-text.js';

function codeText(code: CodeVersion): string {
  if (code.notRecorded !== undefined) return `code version not recorded: ${code.notRecorded}`;
  const parts: string[] = [];
  if (code.gitCommit) parts.push(`git ${code.gitCommit}${code.gitBranch ? ` (${code.gitBranch})` : ''}`);
  if (code.dirty) parts.push(`uncommitted changes${code.diffDigest ? ` ${shortDigest(code.diffDigest)}` : ''}`);
  else if (code.dirty === false) parts.push('clean');
  const omitted = code.omittedUntracked;
  if (omitted) parts.push(`${omitted.files} untracked file${omitted.files === 1 ? '' : 's'} (${byteSize(omitted.bytes)}) over the size limits, not captured`);
  if (code.scriptDigest) parts.push(`script ${shortDigest(code.scriptDigest)}`);
  if (code.snapshot) parts.push(`${code.snapshot.files.files} file(s) kept with the run`);
  return parts.length === 0 ? 'not under version control' : parts.join(', ');
}

function section(title: string, body: string): string {
  return `\n${title}\n${body
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}`;
}

function dataRows(list: readonly DeclaredData[], datasets: DatasetsState): string[][] {
  return list.map((d) => {
    const version = versionNumberOf(datasets, d);
    const path = d.changedAfterPublish ? `${d.path} (changed after publish, at ${timeText(d.changedAfterPublish.modifiedAt)})` : d.path;
    return [path, version === undefined ? d.dataset : `${d.dataset}@${version}`, shortDigest(d.version.digest), byteSize(d.version.bytes)];
  });
}

/** Everything `ds show` says about one run. */
export function runDetails(run: RunView, datasets: DatasetsState): string {
  const { workload, environment: env } = run;
  const head: Array<[string, string]> = [
    ['run', run.runId],
    ['status', run.status],
    ['project', run.projectId],
    ['mode', run.mode],
    ['started', timeText(run.startedAt)],
    ['ended', timeText(run.endedAt)],
  ];
  if (run.deleted) head.push(['deleted', `${timeText(run.deleted.at)}${run.deleted.by ? ` by ${run.deleted.by}` : ''}: ${run.deleted.reason}`]);
  if (run.archived) head.push(['archived', 'yes (ds restore brings it back)']);
  if (run.description) head.push(['description', run.description]);
  if (workload.command) head.push(['command', workload.command.join(' ')]);
  if (workload.script) head.push(['script', workload.script]);
  if (workload.notebook) head.push(['notebook', workload.notebook]);
  if (workload.cwd) head.push(['directory', workload.cwd]);
  const parent = parentRunOf(run);
  if (parent !== null) head.push(['workload run', parent]);
  head.push(['code', codeText(run.codeVersion)]);
  head.push(['environment', `${env.runtime} on ${env.os}, ${env.user}@${env.host}`]);
  head.push(['recorded by', `${env.user}@${env.host}${run.codeVersion.gitAuthor ? `, code by ${run.codeVersion.gitAuthor}` : ''}`]);
  if (env.interpreter) head.push(['interpreter', `${env.interpreter.language} ${env.interpreter.version} at ${env.interpreter.path}`]);
  if (env.machine)
    head.push([
      'machine',
      `${env.machine.cpu}, ${env.machine.cores} cores, ${byteSize(env.machine.memoryBytes)}${env.machine.gpus ? `, ${env.machine.gpus.join('; ')}` : ''}`,
    ]);
  if (run.rerunOf) head.push(['rerun of', run.rerunOf]);
  if (run.error) head.push(['error', run.error.message]);
  if (run.abandoned) head.push(['abandoned', `${run.abandoned.reason} (found ${timeText(run.abandoned.at)})`]);
  head.push([run.status === 'running' || run.status === 'abandoned' ? 'head hash' : 'seal', run.headHash]);
  const out = [renderTable(['', ''], head).split('\n').slice(1).join('\n')];

  const params = Object.keys(run.parameters).sort();
  if (params.length > 0)
    out.push(
      section(
        'parameters',
        renderTable(
          ['NAME', 'VALUE'],
          params.map((k) => [k, valueText(run.parameters[k])]),
        ),
      ),
    );
  const metrics = Object.keys(run.metrics).sort();
  if (metrics.length > 0) {
    const rows = metrics.map((k) => {
      const m = run.metrics[k]!;
      return [
        k,
        valueText(m.last),
        m.min === null ? '' : valueText(m.min),
        m.max === null ? '' : valueText(m.max),
        m.source === 'summary' ? 'summary' : String(m.count),
      ];
    });
    out.push(section('metrics', renderTable(['NAME', 'LAST', 'MIN', 'MAX', 'POINTS'], rows)));
  }
  const summary = Object.keys(run.summary).sort();
  if (summary.length > 0)
    out.push(
      section(
        'summary',
        renderTable(
          ['NAME', 'VALUE'],
          summary.map((k) => [k, valueText(run.summary[k])]),
        ),
      ),
    );
  const labels = Object.keys(run.labels).sort();
  if (labels.length > 0)
    out.push(
      section(
        'labels',
        renderTable(
          ['NAME', 'VALUE'],
          labels.map((k) => [k, run.labels[k]!]),
        ),
      ),
    );
  const tags = Object.keys(run.tags ?? {}).sort();
  if (tags.length > 0)
    out.push(
      section(
        'tags',
        renderTable(
          ['NAME', 'VALUE'],
          tags.map((k) => [k, run.tags![k]!]),
        ),
      ),
    );
  if (run.notes && run.notes.length > 0)
    out.push(
      section(
        'notes',
        renderTable(
          ['WHEN', 'WHO', 'NOTE'],
          run.notes.map((n) => [timeText(n.at), n.by ?? '', n.note]),
        ),
      ),
    );
  if (run.inputs.length > 0) out.push(section('inputs', renderTable(['PATH', 'DATASET', 'DIGEST', 'SIZE'], dataRows(run.inputs, datasets))));
  if (run.outputs.length > 0) out.push(section('outputs', renderTable(['PATH', 'DATASET', 'DIGEST', 'SIZE'], dataRows(run.outputs, datasets))));
  if (run.missing && run.missing.length > 0) {
    out.push(
      section(
        'missing (declared, nothing to capture)',
        renderTable(
          ['PATH', 'AS', 'WHY'],
          run.missing.map((m) => [m.path, m.declaredAs, m.reason]),
        ),
      ),
    );
  }
  if (run.models.length > 0) {
    const rows = run.models.map((m) => [m.name, m.path, m.framework ?? '', shortDigest(m.version?.digest), m.version ? byteSize(m.version.bytes) : '']);
    out.push(section('models', renderTable(['NAME', 'PATH', 'FRAMEWORK', 'DIGEST', 'SIZE'], rows)));
  }
  return out.join('\n');
}

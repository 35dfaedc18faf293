import { stat, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import {
  InvalidInputError,
  notebookRunBlocks,
  parseNotebook,
  runStream,
  type CodeVersion,
  type NotebookBlockError,
  type NotebookRunBlock,
  type RunServices,
  type WriterMeta,
} from '@dotscience/sdk';
import { captureProtocolBlock, type CaptureServices } from '../runner/protocol-block-capture.js';
import { kernelProgram } from './kernel-interpreter.js';
import { ProtocolDataRoot } from '../runner/protocol-data-root.js';
import { recordProtocolRun } from '../runner/protocol-run-recording.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface NotebookIngestContext {
  projectId: string;
  /** The project's root: the notebook is recorded by its path relative to it (inside it), and its code version inspected there. */
  projectRoot: string;
  /** What the paths in the notebook's blocks are relative to (the library's root in the kernel); default: the notebook's directory, the kernel's working directory. */
  root?: ProtocolDataRoot;
  /** Under `ds run`: the workload that executed the notebook, the parent of its runs. */
  workload?: { command: string[]; cwd: string; workloadId: string };
  writer?: WriterMeta;
}

/** What one ingest of one notebook did. */
export interface NotebookIngestReport {
  notebook: string;
  /** Runs recorded now, in notebook order. */
  recorded: Array<{ runId: string; cell: number }>;
  /** Runs of the notebook the store already holds (an earlier ingest): nothing recorded again. */
  alreadyRecorded: string[];
  /** Blocks printed again in the notebook (a re-executed cell): recorded once. */
  repeated: Array<{ runId: string; cell: number }>;
  /** Blocks that could not be read or recorded, each with its cell and why. */
  errors: NotebookBlockError[];
}

async function streamExists(services: RunServices, stream: string): Promise<boolean> {
  for await (const _event of services.events.readStream(stream, { maxCount: 1 })) return true;
  return false;
}

const inside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
};

/** Read and parse a notebook file; an InvalidInputError names the file and the field when it is no nbformat 4 notebook. */
export async function readNotebook(path: string): Promise<ReturnType<typeof parseNotebook>> {
  const text = await readFile(path, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`notebook ${path}`, [{ path: '', message: `is not JSON (${(error as Error).message}): save it from Jupyter as .ipynb` }]);
  }
  return parseNotebook(value, `notebook ${path}`);
}

/**
 * Record the runs a saved notebook printed (see notebookRunBlocks), each in
 * interactive mode with the notebook as its code version: the file captured in
 * the data store (content-addressed) plus the git commit when it is in git, and
 * the cell that published it. Idempotent: a run the store holds (by its printed
 * run id) is not recorded again, so ingesting the same notebook twice records
 * nothing new. Blocks are recorded one by one; one that cannot be is reported
 * with its cell and the rest go on.
 */
export async function ingestNotebook(services: RunServices, path: string, context: NotebookIngestContext): Promise<NotebookIngestReport> {
  const absolute = resolve(path);
  const notebook = await readNotebook(absolute);
  const found = notebookRunBlocks(notebook);
  const recordedPath = inside(context.projectRoot, absolute) ? relative(context.projectRoot, absolute) : absolute;
  const report: NotebookIngestReport = { notebook: recordedPath, recorded: [], alreadyRecorded: [], repeated: found.repeated, errors: [...found.errors] };

  const pending: NotebookRunBlock[] = [];
  for (const run of found.runs) {
    if (!UUID.test(run.runId)) {
      report.errors.push({
        cell: run.cell,
        runId: run.runId,
        reason: 'not-recorded',
        message: `cell ${run.cell}: run id ${run.runId} is not a UUID, so a second ingest could not know it was recorded; print blocks with ds.publish()`,
      });
    } else if (await streamExists(services, runStream(run.runId.toLowerCase()))) report.alreadyRecorded.push(run.runId.toLowerCase());
    else pending.push(run);
  }
  if (pending.length === 0) return report;

  const savedAt = (await stat(absolute)).mtimeMs;
  const inspectedIn = inside(context.projectRoot, absolute) ? context.projectRoot : dirname(absolute);
  const [notebookVersion, tree] = await Promise.all([
    services.data.capture(absolute, { label: 'notebook' }),
    services.code.inspect(inspectedIn, relative(inspectedIn, absolute)),
  ]);
  const codeVersion: CodeVersion = { ...tree, notebook: notebookVersion };
  // Its runs ran in its kernel: a block naming its interpreter is described by it, another by the kernelspec's.
  const kernel = await kernelProgram(notebook);
  const capture: CaptureServices = {
    data: services.data,
    environment: {
      describe: (cwd, program) => services.environment.describe(cwd, program ?? (kernel === undefined ? undefined : { command: [kernel] })),
      describeProcess: () => services.environment.describeProcess(),
    },
    clock: services.clock,
    code: { inspect: async () => codeVersion },
  };
  const taken = new Set<string>();
  for (const run of pending) {
    try {
      const captured = await captureProtocolBlock(
        capture,
        { root: context.root ?? ProtocolDataRoot.forWorkload({}, dirname(absolute), dirname(absolute)), cwd: dirname(absolute) },
        {
          runId: run.runId,
          block: run.block,
          line: 0,
          readAt: new Date(savedAt).toISOString(),
          // The block was printed before the notebook holding it was saved.
          printedBy: () => savedAt,
        },
      );
      // A notebook's runs are interactive whatever mode the library was in (under ds run the kernel inherits "command").
      const { script: _script, ...plan } = captured.plan;
      const workload = { ...(context.workload ?? { cwd: dirname(absolute) }), notebook: recordedPath, cell: run.cell };
      const runId = await recordProtocolRun(
        services,
        { ...captured, plan: { ...plan, mode: 'interactive' } },
        { projectId: context.projectId, workload, writer: context.writer },
        taken,
      );
      taken.add(runId);
      report.recorded.push({ runId, cell: run.cell });
    } catch (error) {
      report.errors.push({
        cell: run.cell,
        runId: run.runId,
        reason: 'not-recorded',
        message: `cell ${run.cell}: the run block ${run.runId} could not be recorded: ${(error as Error).message}`,
      });
    }
  }
  return report;
}

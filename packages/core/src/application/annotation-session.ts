import { parseInput } from '../errors/parse-input.js';
import type { VersionRef, Workload } from '../events/catalogue.js';
import type { JsonValue } from '../events/json.js';
import { TimestampSchema } from '../events/json.js';
import { withoutUndefined } from '../run/json-payload.js';
import { parseRunCommand, type RunCommand, type RunCommandInput } from '../run/run-commands.js';
import { RunAlreadyStartedError } from '../run/run-errors.js';
import { datasetNameForPath, normalizeDataPath } from './data-paths.js';
import { DataRequestSchema, ModelRequestSchema, PublicationPlan, type PlannedModel, type PlannedOutput } from './publication-plan.js';
import { metricBatchCommands, type MetricColumns } from './metric-batch-builder.js';
import { publishRun, type PublishedRun } from './run-publication.js';
import { RunRecorder } from './run-recorder.js';
import type { RunServices, WriterMeta } from './run-services.js';
import { ModeConflictError, NoOpenRunError, type RunMode } from './session-errors.js';
import { WriteQueue } from './write-queue.js';

export interface AnnotationSessionOptions {
  /** Working directory: the code version and environment are read from it. */
  cwd: string;
  /**
   * The project runs belong to, or how to find it when a run starts (e.g. asked of
   * the hub a token is scoped to). Default 'default'.
   */
  projectId?: string | (() => Promise<string>);
  /** What this process runs (command line, notebook…), recorded in RunStarted. */
  workload?: Workload;
  writer?: WriterMeta;
  /** The mode of runs started before interactive() or script() is called. Default 'script'. */
  defaultMode?: RunMode;
  /** Called when an annotation arrives with no open run and a run is started for it (the SDK tells the user on stderr). */
  onAutoStart?: (runId: string, command: string) => void;
}

export interface MetricPointInput {
  name: string;
  value: JsonValue;
  step?: number;
  /** Default: now. */
  at?: string;
}

/**
 * A run's start and annotations need not be durable one by one: the run's seal (publish) or
 * its error is appended durably after them, in log order, which makes them durable too — a
 * process that publishes many runs pays one fdatasync per run. (The open-run note, written
 * durably by the SDK at start, records a run whose process dies before either.)
 */
const ANNOTATION_DURABILITY = 'deferred' as const;

/** A run's id and start time, fixed by the caller before its start is written. */
export interface PreparedStart {
  runId: string;
  startedAt: string;
  /** The run this one re-executes (`ds rerun`), when it does. */
  rerunOf?: string;
}

interface OpenRun {
  recorder: RunRecorder;
  plan: PublicationPlan;
}

/**
 * The annotations of one process (what the SDK's `ds.*` functions call). It
 * holds the current run: start() begins one, publish() seals it, and several
 * start/publish pairs record several runs. An annotation with no open run —
 * before any start(), or after a publish() — starts a run for it and reports
 * that through `onAutoStart`, as the original Python library does. Operations
 * run one at a time, in call order.
 */
export class AnnotationSession {
  private selectedMode: RunMode | undefined;
  private scriptPath: string | undefined;
  private open: OpenRun | undefined;
  /** Paths declared as data in this session: the code version of a later run never counts them. */
  private readonly declaredData = new Set<string>();
  private readonly queue = new WriteQueue();

  constructor(
    private readonly services: RunServices,
    private readonly options: AnnotationSessionOptions,
  ) {}

  /** Record this process's runs as interactive (notebook) runs. Mixing with script() is a ModeConflictError. */
  interactive(): void {
    this.select('interactive');
  }

  /** Record this process's runs as script runs, optionally naming the script. Mixing with interactive() is a ModeConflictError. */
  script(path?: string): void {
    const parsed = path === undefined ? undefined : parseInput(DataRequestSchema.shape.path, path, 'script path');
    this.select('script');
    if (parsed !== undefined) this.scriptPath = parsed;
  }

  get mode(): RunMode {
    return this.selectedMode ?? this.options.defaultMode ?? 'script';
  }

  /** The run this process is writing (or last published), if any. */
  get currentRun(): RunRecorder | undefined {
    return this.open?.recorder;
  }

  /**
   * Start a new run; returns its id. A run still open must be published first.
   * `prepared` gives the run id and start time when the caller fixed them
   * already (the SDK notes them synchronously, before the start is written).
   */
  async start(prepared?: PreparedStart): Promise<string> {
    return this.queue.run(() => this.startRun(prepared));
  }

  /** What the next run's RunStarted will say of the mode and workload (known synchronously, unlike the code version). */
  nextStart(): { mode: RunMode; workload: Workload } {
    const { options } = this;
    const mode = this.mode;
    const script = mode === 'script' ? (this.scriptPath ?? options.workload?.script) : undefined;
    return { mode, workload: withoutUndefined({ ...options.workload, cwd: options.workload?.cwd ?? options.cwd, script }) };
  }

  async describe(description: string): Promise<void> {
    return this.recordAll('describe', [{ kind: 'describe', description }]);
  }

  /** Capture an input now and declare it with its version; the dataset name defaults to the normalized path. */
  async input(path: string, dataset?: string): Promise<VersionRef> {
    const request = parseInput(DataRequestSchema, { path, dataset }, 'input');
    return this.queue.run(async () => {
      const version = await this.services.data.capture(request.path);
      const run = await this.ensureRun('input');
      const normalized = normalizeDataPath(request.path);
      this.declaredData.add(normalized);
      await run.recorder.record(
        { kind: 'declareInput', path: normalized, dataset: request.dataset ?? datasetNameForPath(normalized), version },
        ANNOTATION_DURABILITY,
      );
      return version;
    });
  }

  /** Declare an output; it is captured and versioned when the run is published. */
  async output(path: string, dataset?: string): Promise<PlannedOutput> {
    const request = parseInput(DataRequestSchema, { path, dataset }, 'output');
    return this.annotate('output', async (run) => this.declared(run.plan.addOutput(request.path, request.dataset)));
  }

  /** Declare a model; it is captured and versioned when the run is published. */
  async model(name: string, path: string, options: { framework?: string; extra?: Record<string, JsonValue> } = {}): Promise<PlannedModel> {
    const request = parseInput(ModelRequestSchema, { name, path, ...options }, 'model');
    return this.annotate('model', async (run) => this.declared(run.plan.addModel(request)));
  }

  async parameter(name: string, value: JsonValue): Promise<void> {
    return this.recordAll('parameter', [{ kind: 'recordParameter', name, value }]);
  }

  /** One point: a MetricRecorded event. */
  async metric(name: string, value: JsonValue, step?: number): Promise<void> {
    return this.recordAll('metric', [{ kind: 'recordMetric', name, value, step, at: this.services.clock.now() }]);
  }

  /**
   * Record buffered metric points in one append (the SDK's group commit): one
   * MetricsRecorded event per call, or several when there are more than
   * MAX_METRIC_BATCH_POINTS. A point without `at` is timed now.
   */
  async recordMetrics(points: readonly MetricPointInput[]): Promise<void> {
    const n = points.length;
    const names: string[] = new Array(n);
    const values: JsonValue[] = new Array(n);
    const steps: Array<number | undefined> = new Array(n);
    const atMs: number[] = new Array(n);
    let nowMs: number | undefined;
    let lastAt: string | undefined;
    let lastMs = 0;
    for (let i = 0; i < n; i++) {
      const p = points[i]!;
      names[i] = p.name;
      values[i] = p.value;
      steps[i] = p.step;
      if (p.at === undefined) {
        atMs[i] = nowMs ??= Date.parse(this.services.clock.now());
      } else {
        if (p.at !== lastAt) {
          lastMs = Date.parse(parseInput(TimestampSchema, p.at, `metric point ${i} at`));
          lastAt = p.at;
        }
        atMs[i] = lastMs;
      }
    }
    return this.recordMetricColumns({ names, values, steps, atMs });
  }

  /** recordMetrics for points already in columns (the SDK's buffer hands its arrays over as they are). */
  async recordMetricColumns(columns: MetricColumns): Promise<void> {
    return this.recordAll('metric', metricBatchCommands(columns));
  }

  async summary(name: string, value: JsonValue): Promise<void> {
    return this.recordAll('summary', [{ kind: 'recordSummary', name, value }]);
  }

  async label(name: string, value: string): Promise<void> {
    return this.recordAll('label', [{ kind: 'addLabel', name, value }]);
  }

  async error(message: string, detail?: JsonValue): Promise<void> {
    return this.recordAll('error', [withoutUndefined({ kind: 'error' as const, message, detail })]);
  }

  /** Record any run commands in one append, all or nothing. */
  async recordAll(command: string, commands: ReadonlyArray<RunCommandInput | RunCommand>): Promise<void> {
    // Bad input is refused before a run is auto-started for it: nothing is written.
    const runId = this.open?.recorder.runId ?? '(not yet started)';
    for (const c of commands) parseRunCommand(runId, c);
    // Durable at the latest with the run's seal (publish) or its error, which are appended durably: one fdatasync per run.
    const durability = command === 'error' ? undefined : ANNOTATION_DURABILITY;
    return this.annotate(command, async (run) => void (await run.recorder.recordBatch(commands, durability)));
  }

  /**
   * Capture outputs and models, version them, and seal the run (see publishRun for the order).
   * `endedAt` (default: now) is when the run's work ended, if end() fixed it earlier.
   */
  async publish(description?: string, endedAt?: string): Promise<PublishedRun> {
    return this.queue.run(async () => {
      if (!this.open) throw new NoOpenRunError('publish');
      return publishRun(this.services, this.open.recorder, this.open.plan, withoutUndefined({ description, endedAt }));
    });
  }

  private declared<T extends { path: string }>(data: T): T {
    this.declaredData.add(data.path);
    return data;
  }

  private select(mode: RunMode): void {
    if (this.selectedMode !== undefined && this.selectedMode !== mode) throw new ModeConflictError(this.selectedMode, mode);
    this.selectedMode = mode;
  }

  private annotate<T>(command: string, write: (run: OpenRun) => Promise<T>): Promise<T> {
    return this.queue.run(async () => write(await this.ensureRun(command)));
  }

  private async ensureRun(command: string): Promise<OpenRun> {
    if (this.open?.recorder.state.lifecycle === 'running') return this.open;
    const runId = await this.startRun();
    this.options.onAutoStart?.(runId, command);
    return this.open!;
  }

  private async startRun(prepared?: PreparedStart): Promise<string> {
    if (this.open?.recorder.state.lifecycle === 'running') throw new RunAlreadyStartedError(this.open.recorder.runId);
    const { services, options } = this;
    const { mode, workload } = this.nextStart();
    const [codeVersion, environment, projectId] = await Promise.all([
      services.code.inspect(options.cwd, workload.script, { exclude: [...this.declaredData] }),
      services.environment.describe(options.cwd, {
        ...(workload.command ? { command: workload.command } : {}),
        ...(workload.script ? { script: workload.script } : {}),
      }),
      typeof options.projectId === 'function' ? options.projectId() : (options.projectId ?? 'default'),
    ]);
    const runId = prepared?.runId ?? services.ids.newId();
    const recorder = RunRecorder.create(services, runId, options.writer);
    const rerunOf = prepared?.rerunOf === undefined ? {} : { rerunOf: prepared.rerunOf };
    await recorder.record(
      { kind: 'start', projectId, mode, workload, codeVersion, environment, startedAt: prepared?.startedAt ?? services.clock.now(), ...rerunOf },
      ANNOTATION_DURABILITY,
    );
    this.open = { recorder, plan: new PublicationPlan(runId) };
    return runId;
  }
}

import { parseInput } from '../errors/parse-input.js';
import type { VersionRef, Workload } from '../events/catalogue.js';
import type { JsonValue } from '../events/json.js';
import { withoutUndefined } from '../run/json-payload.js';
import { parseRunCommand, type RunCommand, type RunCommandInput } from '../run/run-commands.js';
import { RunAlreadyStartedError } from '../run/run-errors.js';
import { datasetNameForPath, normalizeDataPath } from './data-paths.js';
import { DataRequestSchema, ModelRequestSchema, PublicationPlan, type PlannedModel, type PlannedOutput } from './publication-plan.js';
import { publishRun, type PublishedRun } from './run-publication.js';
import { RunRecorder } from './run-recorder.js';
import type { RunServices, WriterMeta } from './run-services.js';
import { ModeConflictError, NoOpenRunError, type RunMode } from './session-errors.js';
import { WriteQueue } from './write-queue.js';

export interface AnnotationSessionOptions {
  /** Working directory: the code version and environment are read from it. */
  cwd: string;
  /** Default 'default'. */
  projectId?: string;
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

  /** Start a new run; returns its id. A run still open must be published first. */
  async start(): Promise<string> {
    return this.queue.run(() => this.startRun());
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
      await run.recorder.record({ kind: 'declareInput', path: normalized, dataset: request.dataset ?? datasetNameForPath(normalized), version });
      return version;
    });
  }

  /** Declare an output; it is captured and versioned when the run is published. */
  async output(path: string, dataset?: string): Promise<PlannedOutput> {
    const request = parseInput(DataRequestSchema, { path, dataset }, 'output');
    return this.annotate('output', async (run) => run.plan.addOutput(request.path, request.dataset));
  }

  /** Declare a model; it is captured and versioned when the run is published. */
  async model(name: string, path: string, options: { framework?: string; extra?: Record<string, JsonValue> } = {}): Promise<PlannedModel> {
    const request = parseInput(ModelRequestSchema, { name, path, ...options }, 'model');
    return this.annotate('model', async (run) => run.plan.addModel(request));
  }

  async parameter(name: string, value: JsonValue): Promise<void> {
    return this.recordAll('parameter', [{ kind: 'recordParameter', name, value }]);
  }

  async metric(name: string, value: JsonValue, step?: number): Promise<void> {
    return this.recordMetrics([{ name, value, step }]);
  }

  /** Record buffered metric points in one append (the SDK's group commit). */
  async recordMetrics(points: readonly MetricPointInput[]): Promise<void> {
    const now = this.services.clock.now();
    // The hot path: plain objects built directly (no generic undefined-stripping per point).
    const commands: RunCommandInput[] = new Array(points.length);
    for (let i = 0; i < points.length; i++) {
      const p = points[i]!;
      commands[i] =
        p.step === undefined
          ? { kind: 'recordMetric', name: p.name, value: p.value, at: p.at ?? now }
          : { kind: 'recordMetric', name: p.name, value: p.value, step: p.step, at: p.at ?? now };
    }
    return this.recordAll('metric', commands);
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
    return this.annotate(command, async (run) => void (await run.recorder.recordBatch(commands)));
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

  private async startRun(): Promise<string> {
    if (this.open?.recorder.state.lifecycle === 'running') throw new RunAlreadyStartedError(this.open.recorder.runId);
    const { services, options } = this;
    const mode = this.mode;
    const script = mode === 'script' ? (this.scriptPath ?? options.workload?.script) : undefined;
    const [codeVersion, environment] = await Promise.all([services.code.inspect(options.cwd, script), services.environment.describe(options.cwd)]);
    const runId = services.ids.newId();
    const recorder = RunRecorder.create(services, runId, options.writer);
    await recorder.record({
      kind: 'start',
      projectId: options.projectId ?? 'default',
      mode,
      workload: withoutUndefined({ ...options.workload, cwd: options.workload?.cwd ?? options.cwd, script }),
      codeVersion,
      environment,
      startedAt: services.clock.now(),
    });
    this.open = { recorder, plan: new PublicationPlan(runId) };
    return runId;
  }
}

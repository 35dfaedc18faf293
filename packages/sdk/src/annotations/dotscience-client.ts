import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import {
  AnnotationSession,
  DataPathNotFoundError,
  DotscienceError,
  ModelRequestSchema,
  RunAlreadyPublishedError,
  RunAlreadyStartedError,
  normalizeDataPath,
  parseInput,
  type DataStore,
  type EnvironmentInfo,
  type JsonValue,
  type PublishedRun,
  type RunCommandInput,
  type RunServices,
  type Workload,
} from '@dotscience/core';
import { z } from 'zod';
import { composeWorkstation, type Dotscience, type OpenOptions } from '../composition-root.js';
import { resolveConfiguration, type Configuration } from '../configuration/resolve-configuration.js';
import type { StoreLocation } from '../configuration/storage-locations.js';
import { checkJsonValue, checkName, checkPath, checkStep, checkText, isPlainMetric, labelText, namedValues, pathList } from './annotation-arguments.js';
import { MetricBuffer } from './metric-buffer.js';
import { OpenRunNotes, storeKey } from './open-run-notes.js';
import { processExitGuard, type ExitGuarded } from './process-exit-guard.js';
import { RunInProgress } from './run-in-progress.js';
import { StoreLease } from './store-lease.js';
import { AnnotationWriteError, WriteBacklog } from './write-backlog.js';
import { writerIdentity } from './writer-identity.js';
import { projectOfRuns } from '../hub/hub-project.js';
import { RecheckedCodeVersions } from '../code-versions/rechecked-code-versions.js';
import { RecheckedEnvironment } from '../environment/rechecked-environment.js';
import { CaptureProgressDataStore, type CaptureProgressOptions } from '../progress/capture-progress.js';

export interface DotscienceClientOptions extends OpenOptions {
  /** Where the client's notices go (auto-start, lock waits, failed writes). Default: stderr. */
  log?: (line: string) => void;
  /** Write buffered metric points once this many are waiting. Default 10 000. */
  metricBatchSize?: number;
  /** Write buffered metric points at the latest this long after the first of them. Default 200 ms. */
  metricFlushMs?: number;
  /** Give up waiting for another process's writer lock after this long. Default 10 minutes. */
  lockTimeoutMs?: number;
  /** Mark open runs errored when the process fails or ends without publishing. Default true. */
  exitHandling?: boolean;
  /**
   * Keep the stores (and the event store's writer lock) open this long after a publish when no
   * run is open, so that the next run of a sweep reuses them instead of opening them again.
   * Default 500 ms; 0 releases them as soon as a publish is done. They are released when the
   * process runs out of work (beforeExit), by close(), and by the next writer only after this.
   */
  keepStoreOpenMs?: number;
  /** The script recorded in script mode. Default: the script Node runs (process.argv[1]). */
  scriptPath?: string;
  /** The command line recorded as the run's workload command. Default: this process's (process.argv: node, the script, its arguments). */
  command?: readonly string[];
  /**
   * Progress of captures (input(), outputs and models at publish) on a terminal: a bar on stderr once
   * a capture has run `showAfterMs` (default 1 s); `false` turns it off. Never drawn when stderr is not a TTY.
   */
  captureProgress?: CaptureProgressOptions | false;
}

export type ModelOptions = { framework?: string; extra?: Record<string, JsonValue> };

/** connect() while a run is open: a run is written to one store. */
export class RunOpenError extends DotscienceError {
  readonly code = 'RUN_OPEN';
  constructor(
    readonly operation: string,
    readonly runId: string,
  ) {
    super(`${operation}: run ${runId} is open — publish() it first; a run is recorded in one store`);
  }
}

const HubSchema = z.object({
  hubUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL of a dotscience hub' }),
  token: z.string().min(1, 'must not be empty'),
});

/** What a run's note says of its store and project: a hub asked for the project of its token gives none here. */
function notedStore(store: StoreLocation, configuration: Configuration): { store: string; projectId: string | undefined } {
  const projectFromHub = store.kind === 'hub' && configuration.sources.project === 'default';
  return { store: storeKey(store), projectId: projectFromHub ? undefined : configuration.projectId };
}

function isOpened(source: DotscienceClientOptions | Dotscience): source is Dotscience {
  return 'events' in source && 'close' in source && 'configuration' in source;
}

/** The script path as runs record it: relative to the working directory when it is inside it. */
function recordedScriptPath(cwd: string, script: string | undefined): string | undefined {
  if (script === undefined || script === '') return undefined;
  const absolute = resolve(cwd, script);
  const rel = relative(cwd, absolute);
  return normalizeDataPath(rel === '' || rel.startsWith('..') || isAbsolute(rel) ? absolute : rel);
}

/**
 * The annotation API (DESIGN §6), with the original Python library's
 * semantics. Calls are synchronous: each validates its arguments and the run's
 * rules at once (a typed error, nothing written), queues its write and returns
 * — the value it was given, for the functions that wrap expressions inline.
 * Writes happen in call order in the background; one that fails is said on
 * stderr and reported by the next publish(), which is the durability point:
 * it resolves only when everything queued before it is durable.
 *
 * `metric()` is the hot path: points are buffered in memory and written in
 * batches (one append, one group commit) when the buffer fills or shortly
 * after, never blocking the caller.
 */
export class DotscienceClient implements ExitGuarded {
  private readonly lease: StoreLease;
  private readonly session: AnnotationSession;
  private readonly backlog: WriteBacklog;
  private readonly buffer = new MetricBuffer();
  private readonly log: (line: string) => void;
  private readonly batchSize: number;
  private readonly flushMs: number;
  private readonly exitHandling: boolean;
  /** Run ids and this process's environment, bound by the composition root without a store: start() fixes the id before the stores are open. */
  private readonly workstation = composeWorkstation();
  /** Under `ds rerun` (DOTSCIENCE_RERUN_OF): the runs this process's runs re-execute, in the order it starts them. */
  private readonly rerunOf: string[];
  private readonly notes: OpenRunNotes;
  private readonly captureProgress: CaptureProgressOptions | false;
  /** Where new runs are written and their project, as their notes say (the project is undefined when asked of the hub). */
  private noted: { store: string; projectId: string | undefined };
  private readonly configuration: Configuration;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly keepStoreOpenMs: number;
  /** Releases the stores kept open after a publish (cancelled when the next run begins). */
  private releaseTimer: NodeJS.Timeout | undefined;
  private mode: 'script' | 'interactive' | undefined;
  /** The run calls are writing to; undefined between publish() and the next annotation. */
  private run: RunInProgress | undefined;
  /** The run publish() was last called for, until another run begins (publishing twice is an error). */
  private sealing: RunInProgress | undefined;
  private lastRunId: string | undefined;

  constructor(source: DotscienceClientOptions | Dotscience = {}) {
    const options: DotscienceClientOptions = isOpened(source) ? {} : source;
    this.log = options.log ?? ((line) => void process.stderr.write(`${line}\n`));
    this.batchSize = options.metricBatchSize ?? 10_000;
    this.flushMs = options.metricFlushMs ?? 200;
    this.exitHandling = options.exitHandling ?? true;
    this.keepStoreOpenMs = options.keepStoreOpenMs ?? 500;
    this.captureProgress = options.captureProgress ?? {};
    this.backlog = new WriteBacklog(this.log);
    const configuration = isOpened(source) ? source.configuration : resolveConfiguration(options);
    this.configuration = configuration;
    this.notes = new OpenRunNotes(configuration.openRunsDirectory);
    this.noted = notedStore(configuration.store, configuration);
    const cwd = resolve(options.cwd ?? process.cwd());
    const env = options.env ?? process.env;
    this.lease = isOpened(source)
      ? new StoreLease(source)
      : new StoreLease({ open: { ...options, waitForLock: true }, lockTimeoutMs: options.lockTimeoutMs ?? 600_000, log: this.log });

    const script = recordedScriptPath(cwd, options.scriptPath ?? process.argv[1]);
    const workloadId = env.DOTSCIENCE_WORKLOAD_ID;
    this.rerunOf = (env.DOTSCIENCE_RERUN_OF ?? '').split(',').filter((id) => id !== '');
    const command = options.command ?? process.argv;
    const workload: Workload = {
      cwd,
      ...(command.length > 0 ? { command: [...command] } : {}),
      recordedBy: 'sdk',
      ...(script === undefined ? {} : { script }),
      ...(workloadId ? { workloadId } : {}),
    };
    this.session = new AnnotationSession(this.services(), {
      cwd,
      projectId: () => {
        const ds = this.lease.current;
        return ds ? projectOfRuns(ds) : Promise.resolve(configuration.projectId);
      },
      workload,
      writer: writerIdentity(),
      onAutoStart: (runId, command) => this.log(`dotscience: you have not called start() yet, so run ${runId} was started for ${command}()`),
    });
  }

  /** The ports, resolved from the stores the lease holds when a queued write runs. */
  private services(): RunServices {
    const lease = this.lease;
    const open = (): Dotscience => {
      const ds = lease.current;
      if (!ds) throw new Error('dotscience: a write ran while the stores were closed (a bug in the SDK)');
      return ds;
    };
    // One git inspection for a sweep of runs: handed out again while the script and git's files are unchanged.
    const code = new RecheckedCodeVersions(() => open().code);
    // One description of the environment likewise, handed out again while nothing it reads has changed.
    const environment = new RecheckedEnvironment(() => open().environment);
    const progress = this.captureProgress;
    const drawing = new WeakMap<DataStore, DataStore>();
    const withProgress = (data: DataStore): DataStore => {
      if (progress === false) return data;
      let store = drawing.get(data);
      if (!store) drawing.set(data, (store = new CaptureProgressDataStore(data, progress)));
      return store;
    };
    return {
      get events() {
        return open().events;
      },
      get data() {
        return withProgress(open().data);
      },
      get clock() {
        return open().clock;
      },
      get ids() {
        return open().ids;
      },
      get code() {
        return code;
      },
      get environment() {
        return environment;
      },
      get numbersVersions() {
        return open().numbersVersions;
      },
    };
  }

  /** Id of the run calls are writing to (fixed by start() or the first annotation), or of the last run. */
  get runId(): string | undefined {
    return this.run?.runId ?? this.lastRunId;
  }

  // ── modes and lifecycle ──────────────────────────────────────────────

  /** Record this process's runs as interactive (notebook) runs. Mixing with script() is a ModeConflictError. */
  interactive(): void {
    this.session.interactive();
    this.mode = 'interactive';
  }

  /** Record this process's runs as script runs, naming the script (default: the one Node runs). */
  script(path?: string): void {
    this.session.script(path === undefined ? undefined : checkPath('script', path));
    this.mode = 'script';
  }

  /**
   * Start a run (optionally described). A run still open must be published first (RunAlreadyStartedError).
   * Before it returns, the run is noted on disk (open-run-notes.ts): however the process ends from
   * here on, the run is recorded — by this process, or as errored by the next writer. The note is
   * durable (the machine may stop too) before any of the run is written to the store (D174).
   */
  start(description?: string): void {
    const text = description === undefined ? undefined : checkText('description', description);
    if (this.run) throw new RunAlreadyStartedError(this.run.runId);
    this.beginRun(undefined, text);
  }

  /** Fix the end of the run's work now (publish() would otherwise use its own time). The first end() counts. */
  end(): void {
    const run = this.ensureRun('end');
    run.endedAtMs ??= Date.now();
  }

  /**
   * Publish the run: wait for every queued write, capture outputs and models,
   * version them and seal the run. Resolves when all of it is durable; rejects
   * with AnnotationWriteError (run left open) when an earlier write failed.
   */
  async publish(description?: string): Promise<PublishedRun> {
    const text = description === undefined ? undefined : checkText('description', description);
    if (!this.run && this.sealing) {
      throw new RunAlreadyPublishedError(this.sealing.runId, 'publish', null);
    }
    const run = this.ensureRun('publish');
    this.drainMetrics();
    this.run = undefined;
    this.sealing = run;
    const endedAt = run.endedAtMs === undefined ? undefined : new Date(run.endedAtMs).toISOString();
    try {
      return await this.backlog.run(async () => {
        const failures = this.backlog.takeFailures();
        if (failures.length > 0) throw new AnnotationWriteError(failures);
        await this.lease.acquire();
        const published = await this.session.publish(text, endedAt);
        this.lastRunId = published.runId;
        this.forget(run);
        return published;
      });
    } catch (error) {
      // Not sealed: the run stays open for another publish() (or to be marked errored at exit).
      if (this.sealing === run) this.sealing = undefined;
      if (!this.run && this.session.currentRun?.state.lifecycle === 'running') this.run = run;
      throw error;
    } finally {
      await this.idle();
    }
  }

  // ── inputs, outputs, models ──────────────────────────────────────────

  /** Declare an input and return its path. It is captured (versioned) now, in call order; a missing path throws at once. */
  input<P extends string>(path: P): P {
    const checked = checkPath('input', path);
    if (!existsSync(checked)) throw new DataPathNotFoundError(checked, process.cwd());
    this.ensureRun('input');
    this.queue(`input ${checked}`, () => this.session.input(checked));
    return path;
  }

  addInput(path: string): void {
    this.input(path);
  }

  /** Declare several inputs: `addInputs('a.csv', 'b.csv')` or `addInputs(['a.csv', 'b.csv'])`. All are checked before any is queued. */
  addInputs(...paths: Array<string | readonly string[]>): void {
    const checked = pathList('input', paths);
    for (const p of checked) if (!existsSync(p)) throw new DataPathNotFoundError(p, process.cwd());
    for (const p of checked) this.input(p);
  }

  /** Declare an output and return its path; it is captured and versioned when the run is published. */
  output<P extends string>(path: P): P {
    const checked = checkPath('output', path);
    this.ensureRun('output');
    this.queue(`output ${checked}`, () => this.session.output(checked));
    return path;
  }

  addOutput(path: string): void {
    this.output(path);
  }

  addOutputs(...paths: Array<string | readonly string[]>): void {
    for (const p of pathList('output', paths)) this.output(p);
  }

  /** Declare a model (files at `path`); at publish its files are captured and a new version of the model is recorded. Returns `path`. */
  model<P extends string>(name: string, path: P, options: ModelOptions = {}): P {
    const request = parseInput(ModelRequestSchema, { name, path, ...options }, 'model');
    const run = this.ensureRun('model');
    const details = { path: normalizeDataPath(request.path), framework: request.framework ?? null, extra: request.extra ?? null };
    run.model(request.name, details.path, details);
    this.queue(`model ${request.name}`, () =>
      this.session.model(request.name, request.path, {
        ...(request.framework === undefined ? {} : { framework: request.framework }),
        ...(request.extra === undefined ? {} : { extra: request.extra }),
      }),
    );
    return path;
  }

  // ── parameters, summaries, labels ────────────────────────────────────

  /** Record a parameter and return its value. Parameters are immutable within a run (ParameterConflictError). */
  parameter<V extends JsonValue>(name: string, value: V): V {
    this.recordParameters([[name, value]]);
    return value;
  }

  addParameter(name: string, value: JsonValue): void {
    this.recordParameters([[name, value]]);
  }

  /** `addParameters({ lr: 0.1 })`, `addParameters([['lr', 0.1]])` or `addParameters('lr', 0.1, 'depth', 3)`; all or nothing. */
  addParameters(...args: unknown[]): void {
    this.recordParameters(namedValues('parameter', args));
  }

  /** Record a summary value (a run's final figure) and return it. */
  summary<V extends JsonValue>(name: string, value: V): V {
    this.recordNamed('summary', [[name, value]]);
    return value;
  }

  addSummary(name: string, value: JsonValue): void {
    this.recordNamed('summary', [[name, value]]);
  }

  addSummaries(...args: unknown[]): void {
    this.recordNamed('summary', namedValues('summary', args));
  }

  /** Add a label (its value is recorded as text, as the original library does) and return the value. */
  label<V extends string | number | boolean>(name: string, value: V): V {
    this.recordNamed('label', [[name, value]]);
    return value;
  }

  addLabel(name: string, value: string | number | boolean): void {
    this.recordNamed('label', [[name, value]]);
  }

  addLabels(...args: unknown[]): void {
    this.recordNamed('label', namedValues('label', args));
  }

  // ── metrics: the hot path ────────────────────────────────────────────

  /**
   * Append a point to the metric series `name` and return the value. Buffered
   * in memory and written in batches; a bad name, value or step throws now.
   */
  metric<V extends JsonValue>(name: string, value: V, step?: number): V {
    if (!isPlainMetric(name, value)) checkJsonValue('metric', checkName('metric', name), value);
    if (step !== undefined && !(Number.isSafeInteger(step) && step >= 0)) checkStep(name, step);
    const run = this.run ?? this.ensureRun('metric');
    if (step !== undefined) run.step(name, step);
    const size = this.buffer.push(name, value, step, Date.now());
    if (size >= this.batchSize) this.drainMetrics();
    else if (size === 1) this.armFlushTimer();
    return value;
  }

  addMetric(name: string, value: JsonValue, step?: number): void {
    this.metric(name, value, step);
  }

  /** Record one point of several series: `addMetrics({ loss: 0.3, acc: 0.9 }, step?)`. All are checked first. */
  addMetrics(values: Record<string, JsonValue>, step?: number): void {
    const entries = namedValues('metric', [values]);
    for (const [name, value] of entries) if (!isPlainMetric(name, value)) checkJsonValue('metric', name, value);
    if (step !== undefined) {
      checkStep('addMetrics', step);
      if (this.run) for (const [name] of entries) this.run.checkStep(name, step);
    }
    for (const [name, value] of entries) this.metric(name, value as JsonValue, step);
  }

  // ── errors and descriptions ──────────────────────────────────────────

  /** Mark the run errored (it stays errored when published) and return the argument. An Error's stack is kept as detail. */
  error<E extends string | Error>(error: E): E {
    const message = error instanceof Error ? error.message : checkText('error', error);
    const detail = error instanceof Error ? { name: error.name, stack: error.stack ?? error.message } : undefined;
    this.ensureRun('error');
    this.queue('error', () => this.session.error(message, detail));
    return error;
  }

  setError(error: string | Error): void {
    this.error(error);
  }

  /** Describe the run and return the text. */
  description(text: string): string {
    const checked = checkText('description', text);
    this.ensureRun('description');
    this.queue('description', () => this.session.describe(checked));
    return text;
  }

  setDescription(text: string): void {
    this.description(text);
  }

  // ── stores ───────────────────────────────────────────────────────────

  /**
   * Write this client's runs to a dotscience hub from now on (configuration
   * `hub`/`store` and `token`). No run may be open.
   */
  async connect(hubUrl: string, token: string): Promise<void> {
    const hub = parseInput(HubSchema, { hubUrl, token }, 'connect');
    if (this.run) throw new RunOpenError('connect', this.run.runId);
    await this.backlog.settled();
    await this.lease.release();
    this.lease.reconfigure('connect', (open) => ({ ...open, settings: { ...open.settings, hub: hub.hubUrl, store: hub.hubUrl, token: hub.token } }));
    this.noted = notedStore({ kind: 'hub', url: hub.hubUrl }, this.configuration);
    await this.lease.acquire();
  }

  /** Resolves when every write queued so far has been attempted (metrics included). Failures still wait for publish(). */
  async flush(): Promise<void> {
    this.drainMetrics();
    await this.backlog.settled();
  }

  /** Write what is queued and release the stores (a run left open stays open; the exit handling still applies). */
  async close(): Promise<void> {
    await this.flush();
    this.cancelRelease();
    await this.lease.release();
    this.closeNotes();
    if (!this.run) processExitGuard.unwatch(this);
  }

  // ── exit handling (ExitGuarded) ──────────────────────────────────────

  async abandon(message: string, detail?: JsonValue): Promise<void> {
    const run = this.run;
    if (run) {
      this.drainMetrics();
      this.run = undefined;
      this.backlog.add('error', async () => {
        await this.lease.acquire();
        await this.session.error(message, detail);
        this.forget(run);
      });
      this.log(`dotscience: run ${run.runId} marked errored: ${message}`);
    }
    await this.backlog.settled();
    this.cancelRelease();
    await this.lease.release();
    this.closeNotes();
    processExitGuard.unwatch(this);
  }

  exited(exitCode: number): string | undefined {
    if (!this.run && this.backlog.pending === 0) return undefined;
    const lost = this.buffer.size + this.backlog.pending;
    const open = this.run;
    if (open) this.noteExit(open, exitCode);
    return (
      `dotscience: the process exited (code ${exitCode}) with ${open ? `run ${open.runId} open` : 'writes pending'} — ` +
      `process.exit() lets no asynchronous write finish, so ${lost} buffered metric point(s) or queued write(s) are lost` +
      (open ? '; the run is recorded as errored by the next ds command or SDK process that opens the store' : '') +
      '; publish() (await it) before exiting'
    );
  }

  // ── internals ────────────────────────────────────────────────────────

  /**
   * Open a run: fix its id and start time, note it (so no way of ending the process loses it), and
   * queue its start (with `description`, if any), written once the note is durable.
   */
  private beginRun(prepared?: RunInProgress, description?: string): RunInProgress {
    const run = prepared ?? new RunInProgress();
    this.cancelRelease(); // a sweep's next run: the stores kept open after the last publish are used again
    run.runId = this.workstation.ids.newId();
    const startedAt = new Date().toISOString();
    const rerunOf = this.rerunOf.shift();
    this.noteOpen(run.runId, startedAt);
    this.run = run;
    this.sealing = undefined;
    if (this.exitHandling) processExitGuard.watch(this);
    this.backlog.add('start', async () => {
      await this.lease.acquire();
      await this.noteDurable(run.runId);
      await this.session.start({ runId: run.runId, startedAt, ...(rerunOf === undefined ? {} : { rerunOf }) });
      if (description !== undefined) await this.session.describe(description);
    });
    return run;
  }

  /** The open run, or a new one started for `command` (said on stderr, as the original library does). */
  private ensureRun(command: string, prepared?: RunInProgress): RunInProgress {
    if (this.run) return this.run;
    const run = this.beginRun(prepared);
    this.log(`dotscience: you have not called start() yet, so run ${run.runId} was started for ${command}()`);
    return run;
  }

  private noteOpen(runId: string, startedAt: string): void {
    try {
      const { mode, workload } = this.session.nextStart();
      const { store, projectId } = this.noted;
      this.notes.write({ runId, store, mode, workload, environment: this.processEnvironment(), startedAt, ...(projectId === undefined ? {} : { projectId }) });
    } catch (error) {
      this.log(
        `dotscience: could not note run ${runId} as open in ${this.notes.directory} (${(error as Error).message}); if the process ends before its start is written, the run is lost`,
      );
    }
  }

  /** The run's note is on disk for good before its start is written to the store (noteOpen wrote it; its fdatasync ran meanwhile). */
  private async noteDurable(runId: string): Promise<void> {
    const error = await this.notes.synced(runId);
    if (error !== undefined) {
      this.log(
        `dotscience: could not make the open-run note of run ${runId} durable in ${this.notes.directory} (${error.message}); if the machine stops before the run is published, the run may be lost`,
      );
    }
  }

  private noteExit(run: RunInProgress, exitCode: number): void {
    try {
      this.notes.noteExit(run.runId, exitCode);
    } catch {
      // The note without the exit code still gets the run recorded as errored.
    }
  }

  /** Remove the note files no open run needs (a file left behind names an ended run: harmless, the next writer removes it). */
  private closeNotes(): void {
    try {
      this.notes.close();
    } catch (error) {
      this.log(
        `dotscience: could not remove the free open-run notes in ${this.notes.directory} (${(error as Error).message}); they name ended runs and are harmless`,
      );
    }
  }

  /** The run's end is durable in the store: its note is no longer needed. */
  private forget(run: RunInProgress): void {
    try {
      this.notes.remove(run.runId);
    } catch (error) {
      this.log(`dotscience: could not remove the open-run note of run ${run.runId} (${(error as Error).message}); the run is recorded, the note is harmless`);
    }
  }

  private environmentOfProcess: EnvironmentInfo | undefined;
  private processEnvironment(): EnvironmentInfo {
    return (this.environmentOfProcess ??= this.workstation.environment.describeProcess());
  }

  /** Queue a write after the metric points buffered before this call. */
  private queue(what: string, write: () => Promise<unknown>): void {
    this.drainMetrics();
    this.backlog.add(what, async () => {
      await this.lease.acquire();
      await write();
    });
  }

  private recordParameters(entries: ReadonlyArray<readonly [unknown, unknown]>): void {
    const commands = entries.map(([n, v]) => {
      const name = checkName('parameter', n);
      return { kind: 'recordParameter' as const, name, value: checkJsonValue('parameter', name, v) };
    });
    if (commands.length === 0) return;
    // A conflict throws before a run is started for the parameters.
    const run = this.run ?? new RunInProgress();
    run.parameters(commands.map((c) => [c.name, c.value]));
    this.ensureRun('parameter', run);
    this.queue(`parameter ${commands.map((c) => c.name).join(', ')}`, () => this.session.recordAll('parameter', commands));
  }

  private recordNamed(annotation: 'summary' | 'label', entries: ReadonlyArray<readonly [unknown, unknown]>): void {
    const commands = entries.map(([n, v]): RunCommandInput & { name: string } => {
      const name = checkName(annotation, n);
      return annotation === 'label'
        ? { kind: 'addLabel', name, value: labelText(name, v) }
        : { kind: 'recordSummary', name, value: checkJsonValue('summary', name, v) };
    });
    if (commands.length === 0) return;
    this.ensureRun(annotation);
    this.queue(`${annotation} ${commands.map((c) => c.name).join(', ')}`, () => this.session.recordAll(annotation, commands));
  }

  private armFlushTimer(): void {
    this.flushTimer = setTimeout(() => this.drainMetrics(), this.flushMs);
    this.flushTimer.unref(); // buffered points alone do not keep the process alive (beforeExit writes them)
  }

  /** Queue the buffered metric points as one batch: one append, one group commit. */
  private drainMetrics(): void {
    if (this.flushTimer !== undefined) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    if (this.buffer.size === 0) return;
    const batch = this.buffer.take();
    this.backlog.add(`${batch.size} metric point(s)`, async () => {
      await this.lease.acquire();
      await this.session.recordMetricColumns(batch.columns);
    });
  }

  /**
   * After a publish, when no run is open and nothing is queued: release the exit handlers, and the
   * stores after keepStoreOpenMs (at once when it is 0) unless a run begins meanwhile.
   */
  private async idle(): Promise<void> {
    if (this.run || this.backlog.pending > 0) return;
    if (this.keepStoreOpenMs > 0) this.releaseLater();
    else await this.lease.release();
    if (!this.run && this.backlog.pending === 0) processExitGuard.unwatch(this);
  }

  private releaseLater(): void {
    this.cancelRelease();
    this.releaseTimer = setTimeout(this.releaseKept, this.keepStoreOpenMs);
    this.releaseTimer.unref(); // stores kept open do not keep the process alive: beforeExit releases them
    process.once('beforeExit', this.releaseKept);
  }

  private readonly releaseKept = (): void => {
    this.cancelRelease();
    if (!this.run && this.backlog.pending === 0) void this.lease.release();
  };

  private cancelRelease(): void {
    if (this.releaseTimer === undefined) return;
    clearTimeout(this.releaseTimer);
    this.releaseTimer = undefined;
    process.off('beforeExit', this.releaseKept);
  }
}

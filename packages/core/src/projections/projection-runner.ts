import { parseInput } from '../errors/parse-input.js';
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { RecordedEvent } from '../events/envelope.js';
import type { JsonValue } from '../events/json.js';
import type { CheckpointStore, ProjectionCheckpoint } from '../ports/checkpoint-store.js';
import type { EventStore } from '../ports/event-store.js';
import { checkpointDiscard } from './checkpoint-verification.js';
import { detachedJson } from './json-state.js';
import { eventApplier, initialStateOf, type EventApplier, type Projection } from './projection.js';
import { ProjectionRunnerStateError, SkippedEvents } from './projection-errors.js';
import { ProjectionRunnerOptionsSchema, type CatchUpReport, type ProjectionRunnerOptions, type ProjectionUpdate } from './projection-runner-options.js';

interface Waiter {
  position: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * Keeps one projection up to date from an EventStore: resumes from its
 * checkpoint (or rebuilds from position 0 when the projection's version
 * differs, or the checkpoint does not match the log: see checkpointDiscard), catches up with `readAll`, follows live events with `subscribe`,
 * and checkpoints {name, version, position, hash, state} every N events (within a
 * time budget, see `checkpointShare`), on demand, at catch-up end and at stop. At most one checkpoint write is in flight;
 * checkpoints due meanwhile collapse into one taken when it lands.
 */
export class ProjectionRunner<S> {
  private current: S;
  private at = -1;
  /** Hash of the event at `at` (recorded in checkpoints to tie them to the log). */
  private atHash: string | undefined;
  private loaded = false;
  private sinceCheckpoint = 0;
  private checkpointedAt = -1;
  private subscription: Subscription | undefined;
  private failure: Error | undefined;
  private lastCheckpointFailure: Error | undefined;
  private stopped = false;
  private inFlight: Promise<void> | undefined;
  private checkpointDue = false;
  private waiters: Waiter[] = [];
  private readonly apply: EventApplier<S>;
  private readonly every: number;
  /** Minimum time between automatic checkpoints per millisecond the last one cost. */
  private readonly gapPerCostMs: number;
  private lastCheckpointCostMs = 0;
  private lastCheckpointEndedAt = -Infinity;
  private readonly changes = new Subject<ProjectionUpdate<S>>();
  /** Events passed over because the catalogue refuses them (see eventApplier), since the runner was created. */
  readonly skipped = new SkippedEvents();

  constructor(
    private readonly store: EventStore,
    private readonly checkpoints: CheckpointStore,
    readonly projection: Projection<S>,
    options: ProjectionRunnerOptions = {},
  ) {
    const parsed = parseInput(ProjectionRunnerOptionsSchema, options, `options of the ${projection.name} projection runner`);
    this.apply = eventApplier(projection, parsed.upcasters, (skipped) => this.skipped.record(skipped));
    this.every = parsed.checkpointEvery ?? 1000;
    this.gapPerCostMs = 1 / (parsed.checkpointShare ?? 0.1) - 1;
    this.current = initialStateOf(projection);
  }

  /** The live state. Read it; never change it (the runner mutates it as events arrive). */
  get state(): S {
    return this.current;
  }

  /** A detached JSON copy of the state, safe to keep or hand out while the runner goes on. */
  snapshot(): S {
    return detachedJson(this.projection.name, this.current) as S;
  }

  /** Global position of the last event applied; -1 when none. */
  get position(): number {
    return this.at;
  }

  /** Emits after every live event (and once at the end of each catch-up). Errors when a handler fails. */
  get updates(): Observable<ProjectionUpdate<S>> {
    return this.changes.asObservable();
  }

  /** Load the checkpoint (first call only), then read every event after it. Does not follow live events. */
  async catchUp(): Promise<CatchUpReport> {
    this.assertUsable();
    const origin = this.loaded ? { origin: 'checkpoint' as const } : await this.load();
    const fromPosition = this.at;
    let events = 0;
    for await (const e of this.store.readAll({ fromPosition: this.at + 1 })) {
      this.assertUsable();
      try {
        this.receive(e);
      } catch (error) {
        this.fail(error);
        throw this.failure;
      }
      events++;
    }
    if (this.failure) throw this.failure;
    if (this.at !== this.checkpointedAt || origin.origin !== 'checkpoint') await this.checkpointIfPossible();
    this.changes.next({ position: this.at, state: this.current });
    return { ...origin, fromPosition, position: this.at, events };
  }

  /** Catch up, then follow live events until `stop()`. Resolves once caught up. */
  async start(): Promise<CatchUpReport> {
    if (this.subscription) throw new ProjectionRunnerStateError(this.projection.name, 'is already running');
    const report = await this.catchUp();
    this.subscription = this.store.subscribe({ fromPosition: this.at + 1 }).subscribe({
      next: (e) => {
        if (this.failure || this.stopped) return;
        try {
          this.receive(e);
          this.changes.next({ position: this.at, state: this.current });
        } catch (error) {
          this.fail(error);
        }
      },
      error: (error: unknown) => this.fail(error),
    });
    return report;
  }

  /** Resolves once the runner has applied the event at `position` (or a later one). */
  waitForPosition(position: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.at >= position) return Promise.resolve();
    if (this.stopped) return Promise.reject(new ProjectionRunnerStateError(this.projection.name, 'was stopped'));
    return new Promise((resolve, reject) => this.waiters.push({ position, resolve, reject }));
  }

  /**
   * The error of the last checkpoint write that failed (a full disk, a read-only
   * directory), if any: checkpoints are a cache, so a failed write fails neither
   * the runner nor catch-up nor stop, only an explicit `checkpoint()`.
   */
  get checkpointFailure(): Error | undefined {
    return this.lastCheckpointFailure;
  }

  /** Write a checkpoint of the state as it is now (after any write in flight lands); rejects when the write fails. */
  async checkpoint(): Promise<void> {
    this.assertHealthy();
    while (this.inFlight) await this.inFlight.catch(() => undefined);
    this.assertHealthy();
    this.writeCheckpoint();
    await this.inFlight;
    this.assertHealthy();
  }

  /** Stop following live events, let pending checkpoint writes land, and checkpoint what was applied since. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    while (this.inFlight) await this.inFlight.catch(() => undefined);
    if (!this.failure && this.loaded && this.at !== this.checkpointedAt) await this.checkpointIfPossible();
    this.stopped = true;
    const reason = this.failure ?? new ProjectionRunnerStateError(this.projection.name, 'was stopped');
    for (const w of this.waiters.splice(0)) w.reject(reason);
    this.changes.complete();
    if (this.failure) throw this.failure;
  }

  /** Checkpoint at catch-up end and at stop: a write that fails is remembered in `checkpointFailure`, never thrown. */
  private async checkpointIfPossible(): Promise<void> {
    try {
      await this.checkpoint();
    } catch (error) {
      if (this.failure) throw error;
    }
  }

  private async load(): Promise<Pick<CatchUpReport, 'origin' | 'discardedVersion' | 'discardedReason' | 'notice'>> {
    const saved = await this.checkpoints.load(this.projection.name);
    this.loaded = true;
    if (saved === undefined) return { origin: 'fresh' };
    const discard = await checkpointDiscard(this.store, saved, this.projection.version);
    if (discard)
      return { origin: 'rebuilt', discardedVersion: saved.version, discardedReason: discard.reason, ...(discard.notice ? { notice: discard.notice } : {}) };
    this.current = detachedJson(this.projection.name, saved.state) as S;
    this.at = saved.position;
    this.atHash = saved.hash;
    this.checkpointedAt = saved.position;
    return { origin: 'checkpoint' };
  }

  private receive(e: RecordedEvent): void {
    if (e.position <= this.at) return; // already applied (the seam between catch-up and live)
    this.current = this.apply(this.current, e);
    this.at = e.position;
    this.atHash = e.hash;
    if (this.every > 0 && ++this.sinceCheckpoint >= this.every && this.checkpointAffordable()) this.requestCheckpoint();
    if (this.waiters.length > 0) this.releaseWaiters();
  }

  private checkpointAffordable(): boolean {
    return performance.now() - this.lastCheckpointEndedAt >= this.lastCheckpointCostMs * this.gapPerCostMs;
  }

  private requestCheckpoint(): void {
    if (this.inFlight) this.checkpointDue = true;
    else this.writeCheckpoint();
  }

  /** Takes the snapshot synchronously (the state is consistent between events) and writes it. */
  private writeCheckpoint(): void {
    const startedAt = performance.now();
    let checkpoint: ProjectionCheckpoint;
    try {
      checkpoint = {
        name: this.projection.name,
        version: this.projection.version,
        position: this.at,
        ...(this.atHash === undefined ? {} : { hash: this.atHash }),
        state: detachedJson(this.projection.name, this.current) as JsonValue,
      };
    } catch (error) {
      this.fail(error);
      throw this.failure;
    }
    this.sinceCheckpoint = 0;
    this.checkpointDue = false;
    const write = this.checkpoints.save(checkpoint).then(
      () => {
        this.lastCheckpointEndedAt = performance.now();
        this.lastCheckpointCostMs = this.lastCheckpointEndedAt - startedAt;
        this.checkpointedAt = Math.max(this.checkpointedAt, checkpoint.position);
        this.inFlight = undefined;
        if (this.checkpointDue && !this.failure) {
          try {
            this.writeCheckpoint();
          } catch {
            // recorded by fail(); surfaces through checkpoint(), stop() and waitForPosition()
          }
        }
      },
      (error: unknown) => {
        // A checkpoint is a cache: the state in memory is right, the last checkpoint stays, and the runner goes on.
        this.inFlight = undefined;
        this.lastCheckpointFailure = error instanceof Error ? error : new Error(String(error));
        throw this.lastCheckpointFailure;
      },
    );
    this.inFlight = write;
    write.catch(() => undefined); // callers of checkpoint() see the rejection; automatic checkpoints are best effort
  }

  private releaseWaiters(): void {
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (this.at >= w.position) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  private fail(error: unknown): void {
    if (this.failure) return;
    this.failure = error instanceof Error ? error : new Error(String(error));
    this.subscription?.unsubscribe();
    this.subscription = undefined;
    for (const w of this.waiters.splice(0)) w.reject(this.failure);
    this.changes.error(this.failure);
  }

  private assertHealthy(): void {
    if (this.failure) throw this.failure;
  }

  private assertUsable(): void {
    this.assertHealthy();
    if (this.stopped) throw new ProjectionRunnerStateError(this.projection.name, 'was stopped; create a new runner');
  }
}

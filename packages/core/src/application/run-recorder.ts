import { WrongExpectedRevisionError } from '../errors/store-errors.js';
import type { MissingData } from '../events/catalogue.js';
import { GENESIS_HASH, type EventMeta, type NewEvent, type RecordedEvent } from '../events/envelope.js';
import { chainEvents } from '../events/hash-chain.js';
import { runStream } from '../events/streams.js';
import type { AppendOptions, ExpectedRevision } from '../ports/event-store.js';
import { decideRun, decideRunBatch } from '../run/decide.js';
import { evolveRunAll } from '../run/evolve.js';
import type { RunCommand, RunCommandInput } from '../run/run-commands.js';
import { withoutUndefined } from '../run/json-payload.js';
import { initialRunState, type RunState } from '../run/run-state.js';
import { proposeEvents, readHistory } from './proposed-events.js';
import { MAX_CONFLICT_RETRIES, type RunServices, type WriterMeta } from './run-services.js';
import { WriteQueue } from './write-queue.js';

type Command = RunCommandInput | RunCommand;

/**
 * Writes one run's stream for this process. It keeps the run's state, revision
 * and head hash in memory, so a command costs a decision and an append, not a
 * re-read of the stream.
 *
 * Conflicts and retries:
 * - `WrongExpectedRevisionError` (another writer appended to the run stream):
 *   the recorder re-reads the new events, re-decides the same commands against
 *   the fresh state and appends again (up to MAX_CONFLICT_RETRIES). That is safe
 *   because every rule is checked again: an identical parameter becomes a no-op,
 *   a conflicting one a ParameterConflictError, a metric step that now goes back
 *   a MetricStepOrderError.
 * - Any other append failure (I/O, network): the outcome is unknown (the events
 *   may or may not be written), so nothing is retried here — the recorder marks
 *   itself stale and re-reads the stream before its next command, so its state
 *   always matches what was really written. (Transport retries that re-send the
 *   same event ids belong in the adapter: the store makes those idempotent.)
 */
export class RunRecorder {
  readonly stream: string;
  private current: RunState;
  private lastRevision: number;
  private head: string;
  private stale = false;
  private readonly queue = new WriteQueue();
  private readonly meta: EventMeta;

  private constructor(
    private readonly services: RunServices,
    readonly runId: string,
    writer: WriterMeta,
  ) {
    this.stream = runStream(runId);
    this.current = initialRunState(runId);
    this.lastRevision = -1;
    this.head = GENESIS_HASH;
    this.meta = withoutUndefined({ ...writer, correlationId: runId });
  }

  /** A recorder for a new run id that nothing has written yet (no read needed). */
  static create(services: RunServices, runId: string, writer: WriterMeta = {}): RunRecorder {
    return new RunRecorder(services, runId, writer);
  }

  /** A recorder for an existing run: its stream is read once to rebuild the state. */
  static async open(services: RunServices, runId: string, writer: WriterMeta = {}): Promise<RunRecorder> {
    const recorder = new RunRecorder(services, runId, writer);
    await recorder.catchUp();
    return recorder;
  }

  get state(): RunState {
    return this.current;
  }

  /** Revision of the run stream's last event; -1 before the first. */
  get revision(): number {
    return this.lastRevision;
  }

  /** Hash of the run stream's last event (GENESIS_HASH before the first). */
  get headHash(): string {
    return this.head;
  }

  /** The meta every event of this run carries. */
  get eventMeta(): EventMeta {
    return this.meta;
  }

  /** Decide one command and append its events; returns them as recorded (none when the command changes nothing). */
  record(command: Command, durability?: AppendOptions['durability']): Promise<RecordedEvent[]> {
    return this.recordBatch([command], durability);
  }

  /**
   * Decide a batch of commands and append all their events in ONE append (group commit). All or nothing.
   * `durability` 'deferred': the store may answer before the events are durable (a later seal makes them so).
   */
  recordBatch(commands: readonly Command[], durability?: AppendOptions['durability']): Promise<RecordedEvent[]> {
    return this.queue.run(() =>
      this.appendDecided((state) => {
        const { events, state: next } = decideRunBatch(state, commands);
        return { events: proposeEvents(events, this.services.ids, this.meta), state: next };
      }, durability),
    );
  }

  /**
   * Append `commands` and then RunPublished in ONE append: the seal's headHash is
   * the hash the last of the other events will have (hash chains are computed the
   * same way by every store), so the run stream holds either all of them, sealed,
   * or none. `missing`: declared paths that held nothing to capture, noted on the seal.
   */
  seal(commands: readonly Command[], endedAt: string, missing?: readonly MissingData[]): Promise<RecordedEvent[]> {
    return this.queue.run(() =>
      this.appendDecided((state) => {
        const before = decideRunBatch(state, commands);
        const proposed = proposeEvents(before.events, this.services.ids, this.meta);
        const chained = chainEvents(this.stream, this.lastRevision, this.head, proposed);
        const headHash = chained.length > 0 ? chained[chained.length - 1]!.hash : this.head;
        const publish =
          missing === undefined || missing.length === 0
            ? { kind: 'publish' as const, endedAt, headHash }
            : { kind: 'publish' as const, endedAt, headHash, missing: [...missing] };
        const sealing = decideRunBatch(before.state, [publish]);
        return {
          events: [...proposed, ...proposeEvents(sealing.events, this.services.ids, this.meta)],
          state: sealing.state,
        };
      }),
    );
  }

  /** Re-read the stream if an earlier append's outcome is unknown, so `state` is what the stream holds. */
  sync(): Promise<void> {
    return this.queue.run(async () => {
      if (this.stale) await this.catchUp();
    });
  }

  /** Check a command against the current state without writing anything (throws what `record` would). */
  check(command: Command): void {
    decideRun(this.current, command);
  }

  private expected(): ExpectedRevision {
    return this.lastRevision === -1 ? 'no_stream' : this.lastRevision;
  }

  private async appendDecided(
    decide: (state: RunState) => { events: NewEvent[]; state: RunState },
    durability?: AppendOptions['durability'],
  ): Promise<RecordedEvent[]> {
    if (this.stale) await this.catchUp();
    for (let attempt = 0; ; attempt++) {
      const decision = decide(this.current);
      if (decision.events.length === 0) return [];
      try {
        const result = await this.services.events.append(this.stream, decision.events, {
          expectedRevision: this.expected(),
          ...(durability === undefined ? {} : { durability }),
        });
        this.current = decision.state;
        this.lastRevision = result.nextExpectedRevision;
        this.head = result.events[result.events.length - 1]!.hash;
        return result.events;
      } catch (error) {
        if (error instanceof WrongExpectedRevisionError && attempt < MAX_CONFLICT_RETRIES) {
          await this.catchUp();
          continue;
        }
        this.stale = true;
        throw error;
      }
    }
  }

  /** Read what the stream holds after our last known revision and evolve the state with it. */
  private async catchUp(): Promise<void> {
    const { events, last } = await readHistory(this.services.events, this.stream, this.lastRevision + 1, this.services.upcasters);
    if (last) {
      this.current = evolveRunAll(this.current, events);
      this.lastRevision = last.revision;
      this.head = last.hash;
    }
    this.stale = false;
  }
}

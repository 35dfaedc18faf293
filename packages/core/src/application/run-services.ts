import type { EventMeta } from '../events/envelope.js';
import type { UpcasterRegistry } from '../events/upcasting.js';
import type { Clock } from '../ports/clock.js';
import type { CodeInspector } from '../ports/code-inspector.js';
import type { DataStore } from '../ports/data-store.js';
import type { Environment } from '../ports/environment.js';
import type { EventStore } from '../ports/event-store.js';
import type { IdGenerator } from '../ports/id-generator.js';

/**
 * The ports the application services write through. The SDK's composition root
 * resolves each from the container; core never knows which adapter it got.
 */
export interface RunServices {
  readonly events: EventStore;
  readonly data: DataStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly code: CodeInspector;
  readonly environment: Environment;
  /** Upcasters for events read back from streams; default: the ones dotscience ships. */
  readonly upcasters?: UpcasterRegistry;
  /**
   * Who numbers the dataset and model versions written here (D104): 'hub' when the event
   * store is the shared store itself (its numbers are settled), 'local' (the default)
   * for a store of one workstation (provisional until a push settles them).
   */
  readonly numbersVersions?: 'local' | 'hub';
}

/** What every event this process writes carries in `meta` (actor, SDK version). */
export type WriterMeta = Omit<EventMeta, 'correlationId' | 'causationId'>;

/**
 * How many times a write that lost an expected-revision race is re-decided and
 * re-appended before the conflict is reported.
 */
export const MAX_CONFLICT_RETRIES = 5;

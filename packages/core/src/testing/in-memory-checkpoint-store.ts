import type { CheckpointStore, ProjectionCheckpoint } from '../ports/checkpoint-store.js';

/**
 * A CheckpointStore in memory. It keeps each checkpoint as JSON text, as a
 * durable store would, so what `load` returns is always a fresh object that
 * went through a JSON round trip — never the state object the runner saved.
 */
export class InMemoryCheckpointStore implements CheckpointStore {
  private readonly saved = new Map<string, string>();
  /** How many checkpoints were saved, per projection name. */
  readonly saves = new Map<string, number>();

  async load(name: string): Promise<ProjectionCheckpoint | undefined> {
    const text = this.saved.get(name);
    return text === undefined ? undefined : (JSON.parse(text) as ProjectionCheckpoint);
  }

  async save(checkpoint: ProjectionCheckpoint): Promise<void> {
    const { name, version, position, hash, state } = checkpoint;
    this.saved.set(name, JSON.stringify({ name, version, position, hash, state }));
    this.saves.set(name, (this.saves.get(name) ?? 0) + 1);
  }
}

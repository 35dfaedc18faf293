import { DotscienceError } from '@dotscience/core';

/** Writes queued by annotations failed after their call returned; publish() reports them instead of sealing the run. */
export class AnnotationWriteError extends DotscienceError {
  readonly code = 'ANNOTATION_WRITE_FAILED';
  constructor(readonly failures: ReadonlyArray<{ what: string; error: Error }>) {
    super(
      `${failures.length} annotation${failures.length === 1 ? '' : 's'} could not be recorded, so the run was not published: ` +
        failures.map((f) => `${f.what}: ${f.error.message}`).join('; ') +
        ' — fix the cause and publish() again (the run is still open), or error() it',
    );
    this.cause = failures[0]?.error;
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The writes annotations queue, performed one at a time in call order. A
 * write that fails does not stop the ones after it: the failure is said on
 * stderr at once and kept until `takeFailures()` (publish) reports it; an
 * unreachable store (a code ending in _UNREACHABLE) is said once, not per write.
 */
export class WriteBacklog {
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;
  private failures: Array<{ what: string; error: Error }> = [];
  /** Messages of unreachable-service errors already said: an unreachable store fails every write alike, and is said once. */
  private readonly saidUnreachable = new Set<string>();

  constructor(private readonly log: (line: string) => void) {}

  /** Writes queued and not finished. */
  get pending(): number {
    return this.queued;
  }

  /** Queue a write whose failure is kept for publish(). */
  add(what: string, write: () => Promise<unknown>): void {
    this.queued++;
    this.tail = this.tail.then(async () => {
      try {
        await write();
      } catch (error) {
        const failure = { what, error: asError(error) };
        this.failures.push(failure);
        const code = (failure.error as { code?: unknown }).code;
        const unreachable = typeof code === 'string' && code.endsWith('_UNREACHABLE');
        if (!unreachable) this.log(`dotscience: could not record ${what}: ${failure.error.message} (publish() will report it)`);
        else if (!this.saidUnreachable.has(failure.error.message)) {
          this.saidUnreachable.add(failure.error.message);
          this.log(
            `dotscience: could not record ${what}: ${failure.error.message} [${code}] (later writes failing alike are not said again; publish() reports them)`,
          );
        }
      } finally {
        this.queued--;
      }
    });
  }

  /** Queue a write whose outcome goes to the caller (publish, close). */
  run<T>(write: () => Promise<T>): Promise<T> {
    this.queued++;
    const result = this.tail.then(write).finally(() => this.queued--);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves when every write queued so far has finished. */
  settled(): Promise<void> {
    return this.tail;
  }

  /** The failures so far (and forget them: they are reported once). */
  takeFailures(): Array<{ what: string; error: Error }> {
    const taken = this.failures;
    this.failures = [];
    return taken;
  }
}

import { MetricStepOrderError, ModelConflictError, ParameterConflictError, canonicalJson, type JsonValue } from '@dotscience/core';

/**
 * What the client knows synchronously about the run its calls are writing to,
 * so that rule violations (a parameter changing value, a metric step going
 * back, a model re-declared differently) throw at the call that made them —
 * before the write is queued and before the run's events are even appended.
 * The run's recorder checks the same rules again when the writes happen.
 */
export class RunInProgress {
  /** Fixed when the run is begun (before its start is written). */
  runId = '';
  /** Wall-clock ms fixed by end(), if called. */
  endedAtMs: number | undefined;
  private readonly recordedParameters = new Map<string, { value: JsonValue; canonical: string }>();
  private readonly lastSteps = new Map<string, number>();
  private readonly models = new Map<string, { path: string; canonical: string }>();

  private get label(): string {
    return this.runId;
  }

  /** Throws ParameterConflictError when a name already has (or is given twice with) another value; all or nothing. */
  parameters(entries: ReadonlyArray<readonly [string, JsonValue]>): void {
    const accepted = new Map<string, { value: JsonValue; canonical: string }>();
    for (const [name, value] of entries) {
      const canonical = canonicalJson(value);
      const previous = accepted.get(name) ?? this.recordedParameters.get(name);
      if (previous !== undefined && previous.canonical !== canonical) throw new ParameterConflictError(this.label, name, previous.value, value);
      accepted.set(name, { value, canonical });
    }
    for (const [name, recorded] of accepted) this.recordedParameters.set(name, recorded);
  }

  /** Throws MetricStepOrderError when `step` would go back in the series `name`. */
  checkStep(name: string, step: number): void {
    const last = this.lastSteps.get(name);
    if (last !== undefined && step < last) throw new MetricStepOrderError(this.label, name, last, step);
  }

  /** checkStep, then remember `step` as the series' latest. */
  step(name: string, step: number): void {
    const last = this.lastSteps.get(name);
    if (last === undefined || step > last) this.lastSteps.set(name, step);
    else if (step < last) throw new MetricStepOrderError(this.label, name, last, step);
  }

  /** Throws ModelConflictError when `name` is already declared with other details. */
  model(name: string, path: string, details: JsonValue): void {
    const canonical = canonicalJson(details);
    const previous = this.models.get(name);
    if (previous === undefined) this.models.set(name, { path, canonical });
    else if (previous.canonical !== canonical) throw new ModelConflictError(this.label, name, previous.path, path);
  }
}

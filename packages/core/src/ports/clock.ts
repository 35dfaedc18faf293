export interface Clock {
  /** Current time as an ISO-8601 UTC string with milliseconds. */
  now(): string;
}
export const Clock = Symbol.for('dotscience.Clock');

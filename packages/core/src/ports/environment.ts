import type { EnvironmentInfo } from '../events/catalogue.js';

export interface Environment {
  /** Runtime, OS, host, user and package versions, as seen from `cwd`. */
  describe(cwd: string): Promise<EnvironmentInfo>;
}
export const Environment = Symbol.for('dotscience.Environment');

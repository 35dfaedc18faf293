export interface IdGenerator {
  /** A new UUID (v4 or v7). */
  newId(): string;
}
export const IdGenerator = Symbol.for('dotscience.IdGenerator');

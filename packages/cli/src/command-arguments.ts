import { InvalidArgumentError } from 'commander';

/** A --limit style argument: a whole number ≥ 0. */
export function nonNegativeInteger(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('expected a whole number such as 20');
  return Number(text);
}

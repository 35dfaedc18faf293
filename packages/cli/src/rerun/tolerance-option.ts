import { InvalidArgumentError } from 'commander';
import { z } from 'zod';

const ToleranceSchema = z
  .string()
  .regex(/^[^=]+=[^=]+$/, 'write it as <metric>=<number>, e.g. accuracy=1e-6')
  .transform((text) => {
    const at = text.indexOf('=');
    return { name: text.slice(0, at), value: Number(text.slice(at + 1)) };
  })
  .refine((t) => Number.isFinite(t.value) && t.value >= 0, 'the tolerance must be a number ≥ 0, e.g. accuracy=1e-6');

/** Commander's collector for repeated `--tolerance <metric>=<number>`: the largest absolute difference still counted identical for that metric or summary value. */
export function collectTolerance(given: string, tolerances: Map<string, number>): Map<string, number> {
  const parsed = ToleranceSchema.safeParse(given);
  if (!parsed.success) throw new InvalidArgumentError(`--tolerance ${given}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return new Map(tolerances).set(parsed.data.name, parsed.data.value);
}

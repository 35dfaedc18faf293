import { z } from 'zod';

/**
 * Who gave a version its number (added to schema v1 compatibly; absent on events written
 * before teams could merge version streams, whose numbers stand as recorded):
 * - 'local': a store that shares nothing yet numbered it — provisional until a hub settles it;
 * - 'hub': the shared store numbered it, in the order it recorded it — settled. `settles`
 *   names the local event this one settles (same content and producing run), when it is a copy.
 */
export const VersionNumberingSchema = z.object({ by: z.enum(['local', 'hub']), settles: z.uuid().optional() });
/** A version's project (D122): a project id (letters, digits, '.', '_', '-'), never 'default' (which is said by leaving it out). */
export const projectOfVersionSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be a project id: letters, digits, ".", "_" and "-", starting with a letter or digit')
  .refine((p) => p !== 'default', "must be left out for the default project, not 'default'");
export type VersionNumbering = z.infer<typeof VersionNumberingSchema>;

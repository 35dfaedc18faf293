import { z } from 'zod';
import { projectOfVersionSchema } from './version-numbering.js';

/**
 * Events recorded after the fact, beside what a run or a version captured: the model
 * registry's aliases, version tags and descriptions (on the model stream) and a
 * run's tags, notes, archiving and deletion (on the run's `runmeta-<runId>` stream,
 * never on its sealed run stream). Who and when come from the envelope (meta.actor,
 * recordedAt). Versions are referenced by number as the models projection shows it.
 */

const modelName = z.string().min(1, 'must not be empty').max(1024);
const versionNumber = z.number().int().positive();
/** The project of the model stream (D122; optional, added compatibly): absent is the default project. */
const project = projectOfVersionSchema.optional();
/** An alias is a word, not a number (a number is a version): `champion`, `prod-2`. */
export const ModelAliasSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'must start with a letter and hold only letters, digits, "_", "." or "-" (at most 64 characters)');
export const TagKeySchema = z.string().regex(/^[A-Za-z0-9_.\-/:]{1,128}$/, 'must be 1–128 letters, digits or "_", ".", "-", "/", ":"');
const tagValue = z.string().max(4096).nullable();

/**
 * The version's identity across stores — its content and producing run, `<content key> <runId>` — beside its
 * number: a number a workstation gave is provisional and the hub settles it under another (D104, D126), so readers
 * find the version by this when it is there. Absent on events recorded before it was.
 */
const versionIdentity = z.string().min(1).max(2048).optional();
export const ModelAliasSetSchema = z.object({ name: modelName, alias: ModelAliasSchema, version: versionNumber, versionIdentity, project });
export const ModelAliasRemovedSchema = z.object({ name: modelName, alias: ModelAliasSchema, project });
/** A tag on one model version; a null value removes the tag. */
export const ModelVersionTaggedSchema = z.object({ name: modelName, version: versionNumber, versionIdentity, key: TagKeySchema, value: tagValue, project });
/** The model's description (no version) or one version's. */
export const ModelDescribedSchema = z.object({
  name: modelName,
  version: versionNumber.optional(),
  versionIdentity,
  description: z.string().max(65536),
  project,
});

const runId = z.string().min(1, 'must not be empty');
/** A tag on a run; a null value removes it. */
export const RunTaggedSchema = z.object({ runId, key: TagKeySchema, value: tagValue });
export const RunNotedSchema = z.object({ runId, note: z.string().min(1, 'must not be empty').max(65536) });
export const RunArchivedSchema = z.object({ runId });
export const RunRestoredSchema = z.object({ runId });
/** The run is hidden and its data may be collected unless another run uses it; the run's own events stay. */
export const RunDeletedSchema = z.object({ runId, reason: z.string().min(1, 'must say why the run is deleted') });

/** The members of DomainEventSchema's union for these events. */
export const registryEventUnion = [
  z.object({ type: z.literal('ModelAliasSet'), data: ModelAliasSetSchema }),
  z.object({ type: z.literal('ModelAliasRemoved'), data: ModelAliasRemovedSchema }),
  z.object({ type: z.literal('ModelVersionTagged'), data: ModelVersionTaggedSchema }),
  z.object({ type: z.literal('ModelDescribed'), data: ModelDescribedSchema }),
  z.object({ type: z.literal('RunTagged'), data: RunTaggedSchema }),
  z.object({ type: z.literal('RunNoted'), data: RunNotedSchema }),
  z.object({ type: z.literal('RunArchived'), data: RunArchivedSchema }),
  z.object({ type: z.literal('RunRestored'), data: RunRestoredSchema }),
  z.object({ type: z.literal('RunDeleted'), data: RunDeletedSchema }),
] as const;

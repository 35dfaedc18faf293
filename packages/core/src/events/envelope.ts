import { z } from 'zod';
import { JsonValueSchema, TimestampSchema } from './json.js';

export const EventMetaSchema = z.object({
  correlationId: z.string().optional(),
  causationId: z.string().optional(),
  actor: z.object({ user: z.string(), host: z.string() }).optional(),
  sdkVersion: z.string().optional(),
});
export type EventMeta = z.infer<typeof EventMetaSchema>;

const hashHex = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (sha256)');

/** An event as a writer hands it to `EventStore.append`: the store assigns the rest. */
export const NewEventSchema = z.object({
  id: z.uuid({ message: 'must be a UUID' }),
  type: z.string().min(1),
  schemaVersion: z.number().int().positive(),
  data: JsonValueSchema,
  meta: EventMetaSchema,
});
export type NewEvent = z.infer<typeof NewEventSchema>;

/** An event as the store recorded it (DESIGN §2 envelope). */
export const RecordedEventSchema = NewEventSchema.extend({
  stream: z.string().min(1),
  revision: z.number().int().nonnegative(),
  position: z.number().int().nonnegative(),
  recordedAt: TimestampSchema,
  prevHash: hashHex,
  hash: hashHex,
});
export type RecordedEvent = z.infer<typeof RecordedEventSchema>;

/** The prevHash of the first event of every stream. */
export const GENESIS_HASH = '0'.repeat(64);

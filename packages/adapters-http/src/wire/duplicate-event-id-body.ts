import { z } from 'zod';

/**
 * The hub's refusal of an append that would record an event id a second time
 * (409, code DUPLICATE_EVENT_ID): the ErrorBody fields plus what the client needs
 * to rebuild core's DuplicateEventIdError — the id, the stream appended to, the
 * event of the append that carries it, and where the id already is when known.
 */
export const DuplicateEventIdBodySchema = z.object({
  code: z.literal('DUPLICATE_EVENT_ID'),
  message: z.string(),
  id: z.string(),
  stream: z.string(),
  index: z.number().int().min(0),
  existing: z
    .union([z.object({ stream: z.string(), revision: z.number().int().min(0) }).strict(), z.object({ appendIndex: z.number().int().min(0) }).strict()])
    .optional(),
});
export type DuplicateEventIdBody = z.infer<typeof DuplicateEventIdBodySchema>;

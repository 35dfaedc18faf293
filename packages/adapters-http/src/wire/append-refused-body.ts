import { z } from 'zod';

/**
 * The hub's refusal of an append that breaks a rule of the catalogue or of its stream
 * (422, code APPEND_REFUSED): the ErrorBody fields plus what the client needs to rebuild
 * core's AppendRefusedError — the stream, which event of the append (index, id, type)
 * and the rule it breaks (a stable code such as RUN_ALREADY_PUBLISHED).
 */
export const AppendRefusedBodySchema = z.object({
  code: z.literal('APPEND_REFUSED'),
  message: z.string(),
  stream: z.string(),
  index: z.number().int().min(0),
  id: z.string(),
  type: z.string(),
  rule: z.string(),
  reason: z.string(),
});
export type AppendRefusedBody = z.infer<typeof AppendRefusedBodySchema>;

import { InvalidInputError, parseInput, type AppendResult, type NewEvent } from '@dotscience/core';
import { z } from 'zod';
import { parseRecordedEvents } from './recorded-events.js';

const AppendAnswerEnvelopeSchema = z.object({
  nextExpectedRevision: z.number().int(),
  position: z.number().int(),
  events: z.array(z.unknown()),
});

/**
 * The hub's answer to an append of `sent` to `stream`, parsed (the same
 * verdict as `AppendResponseSchema`, see `parseRecordedEvents`) and checked
 * against the request: one recorded event per event sent, with its id, in
 * `stream`, at consecutive revisions ending at `nextExpectedRevision`, at
 * increasing positions ending at `position`, each linked to the one before by
 * its hash. Callers (the run recorder, push/pull) rely on exactly these. An
 * answer that fails is an InvalidInputError naming the field; nothing of it is
 * returned.
 */
export function parseAppendAnswer(stream: string, sent: readonly NewEvent[], answer: unknown, subject: string): AppendResult {
  const envelope = parseInput(AppendAnswerEnvelopeSchema, answer, subject);
  const events = parseRecordedEvents(envelope.events, subject, 'events');
  const refuse = (path: string, message: string): never => {
    throw new InvalidInputError(subject, [{ path, message }]);
  };
  if (events.length !== sent.length) refuse('events', `must hold the ${sent.length} event(s) sent, not ${events.length}`);
  const last = events.at(-1);
  if (last && last.revision !== envelope.nextExpectedRevision) refuse('nextExpectedRevision', `must be the last event's revision ${last.revision}`);
  if (last && last.position !== envelope.position) refuse('position', `must be the last event's position ${last.position}`);
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (event.id !== sent[i]!.id) refuse(`events.${i}.id`, `must be the id of event ${i} sent (${sent[i]!.id})`);
    if (event.stream !== stream) refuse(`events.${i}.stream`, `must be ${JSON.stringify(stream)}, the stream appended to`);
    const before = events[i - 1];
    if (!before) continue;
    if (event.revision !== before.revision + 1) refuse(`events.${i}.revision`, `must follow revision ${before.revision}`);
    if (event.position <= before.position) refuse(`events.${i}.position`, `must come after position ${before.position}`);
    if (event.prevHash !== before.hash) refuse(`events.${i}.prevHash`, `must be the hash of the event before it (${before.hash})`);
  }
  return { nextExpectedRevision: envelope.nextExpectedRevision, position: envelope.position, events };
}

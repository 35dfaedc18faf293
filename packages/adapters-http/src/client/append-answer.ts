import { InvalidInputError, parseInput, type AppendResult, type NewEvent } from '@dotscience/core';
import { z } from 'zod';
import { parseRecordedEvents } from './recorded-events.js';

const AppendAnswerEnvelopeSchema = z.object({
  nextExpectedRevision: z.number().int(),
  position: z.number().int(),
  events: z.array(z.unknown()),
});

/** What the store assigned to one event, as an append answer states it (a recorded event or a receipt). */
export interface AssignedPlace {
  id: string;
  revision: number;
  position: number;
  prevHash: string;
  hash: string;
}

/** Refuse the answer: an InvalidInputError naming the field at `path`. */
export type Refusal = (path: string, message: string) => never;

export const refusalOf =
  (subject: string): Refusal =>
  (path, message) => {
    throw new InvalidInputError(subject, [{ path, message }]);
  };

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
  const refuse = refusalOf(subject);
  checkPlaces(sent, { ...envelope, places: events }, 'events', refuse);
  for (let i = 0; i < events.length; i++) {
    if (events[i]!.stream !== stream) refuse(`events.${i}.stream`, `must be ${JSON.stringify(stream)}, the stream appended to`);
  }
  return { nextExpectedRevision: envelope.nextExpectedRevision, position: envelope.position, events };
}

/**
 * The places an answer lists (under `list`) against the events sent: one per
 * event, with its id, at consecutive revisions ending at `nextExpectedRevision`,
 * at increasing positions ending at `position`, each linked to the one before by its hash.
 */
export function checkPlaces(
  sent: readonly NewEvent[],
  answer: { nextExpectedRevision: number; position: number; places: readonly AssignedPlace[] },
  list: string,
  refuse: Refusal,
): void {
  const { places } = answer;
  if (places.length !== sent.length) refuse(list, `must hold the ${sent.length} event(s) sent, not ${places.length}`);
  const last = places.at(-1);
  if (last && last.revision !== answer.nextExpectedRevision) refuse('nextExpectedRevision', `must be the last event's revision ${last.revision}`);
  if (last && last.position !== answer.position) refuse('position', `must be the last event's position ${last.position}`);
  for (let i = 0; i < places.length; i++) {
    const place = places[i]!;
    if (place.id !== sent[i]!.id) refuse(`${list}.${i}.id`, `must be the id of event ${i} sent (${sent[i]!.id})`);
    const before = places[i - 1];
    if (!before) continue;
    if (place.revision !== before.revision + 1) refuse(`${list}.${i}.revision`, `must follow revision ${before.revision}`);
    if (place.position <= before.position) refuse(`${list}.${i}.position`, `must come after position ${before.position}`);
    if (place.prevHash !== before.hash) refuse(`${list}.${i}.prevHash`, `must be the hash of the event before it (${before.hash})`);
  }
}

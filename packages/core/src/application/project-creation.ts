import { createHash } from 'node:crypto';
import type { NewEvent } from '../events/envelope.js';

/** A UUID (v5 layout) from sha256 of `text`: the same on every store that derives it from the same text. */
export function derivedEventId(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The ProjectCreated of project `projectId` (docs/decisions.md D124): its id derived from the
 * project id, its data and meta fixed, so whichever workstation (or hub) writes it, it is the same
 * event — at revision 0 of `project-<id>` it also has the same hash everywhere.
 */
export function projectCreatedEvent(projectId: string): NewEvent {
  return {
    id: derivedEventId(`dotscience project ${projectId}`),
    type: 'ProjectCreated',
    schemaVersion: 1,
    data: { id: projectId, name: projectId },
    meta: {},
  };
}

import type { RecordedEvent } from '@dotscience/core';
import { COMPACT_META_LENGTH, metaOfRecord } from './record-meta.js';

/**
 * A record's payload (inside its frame) is JSON in one of two layouts:
 *
 * - layout 2 (written now): an array of the envelope's values in a fixed order,
 *   `[data, id, meta, revision, schemaVersion, stream, type, prevHash, hash, position, recordedAt]`;
 * - layout 1 (logs written before): an object with those keys.
 *
 * Both carry the same values. In layout 2, `meta` is usually a compact array of its own
 * (record-meta.ts). The array spares the reader the eleven envelope keys,
 * which cost JSON.parse more than their values (a key is looked up and a property
 * added per key), so a replay decodes about a fifth faster. The first byte tells the
 * layouts apart, so a log may hold both and older logs open unchanged.
 */
export const RECORD_LENGTH = 11;

/** A record whose checksum matches but whose content is no event (a writer's bug, never a torn write). */
export class MalformedRecord extends Error {}

/** The event a record's text holds, in either layout; throws MalformedRecord when it holds none. */
export function decodeRecord(text: string): RecordedEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MalformedRecord('record checksum matches but its content is not JSON');
  }
  if (Array.isArray(value)) {
    if (value.length !== RECORD_LENGTH) throw new MalformedRecord(`record has ${value.length} fields, expected ${RECORD_LENGTH}`);
    const meta = metaOfRecord(value[2]);
    if (meta === undefined) throw new MalformedRecord(`record's meta has ${(value[2] as unknown[]).length} fields, expected ${COMPACT_META_LENGTH}`);
    return {
      data: value[0],
      id: value[1],
      meta,
      revision: value[3],
      schemaVersion: value[4],
      stream: value[5],
      type: value[6],
      prevHash: value[7],
      hash: value[8],
      position: value[9],
      recordedAt: value[10],
    } as RecordedEvent;
  }
  if (typeof value !== 'object' || value === null) throw new MalformedRecord('record is neither a JSON array nor a JSON object');
  return value as RecordedEvent;
}

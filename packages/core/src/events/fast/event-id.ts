/**
 * Whether `id` is a UUID as NewEventSchema's `z.uuid()` accepts it: 8-4-4-4-12 hex digits
 * (either case) with the version digit 1–8 and the variant digit 8, 9, a or b (either
 * case), or the nil or the max UUID (lowercase). Every appended event's id is checked, so
 * the rule is written out over character codes rather than run as zod's regex.
 * Checked against the schema by test/events/fast/event-id.property.test.ts.
 */
export function isEventId(id: string): boolean {
  if (id.length !== 36) return false;
  if (id.charCodeAt(8) !== DASH || id.charCodeAt(13) !== DASH || id.charCodeAt(18) !== DASH || id.charCodeAt(23) !== DASH) return false;
  if (!hexDigits(id, 0, 8) || !hexDigits(id, 9, 13) || !hexDigits(id, 14, 18) || !hexDigits(id, 19, 23) || !hexDigits(id, 24, 36)) return false;
  const version = id.charCodeAt(14);
  const variant = id.charCodeAt(19) | LOWERCASE_BIT;
  if (version >= DIGIT_1 && version <= DIGIT_8 && (variant === DIGIT_8 || variant === DIGIT_9 || variant === LETTER_A || variant === LETTER_B)) return true;
  return id === NIL_UUID || id === MAX_UUID;
}

/** Whether the characters of `text` in [from, to) are all hex digits (0-9, a-f, A-F). */
function hexDigits(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    const lower = c | LOWERCASE_BIT;
    if (!((c >= DIGIT_0 && c <= DIGIT_9) || (lower >= LETTER_A && lower <= LETTER_F))) return false;
  }
  return true;
}

const DASH = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_1 = 0x31;
const DIGIT_8 = 0x38;
const DIGIT_9 = 0x39;
const LETTER_A = 0x61;
const LETTER_B = 0x62;
const LETTER_F = 0x66;
/** ASCII letters differ from their lowercase form by this bit alone. */
const LOWERCASE_BIT = 0x20;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const MAX_UUID = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

import { z } from 'zod';

/** Any JSON value. Payloads are plain JSON: no Dates, no bigint, no undefined. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const JsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number().refine(Number.isFinite, 'must be a finite number (NaN and Infinity are not JSON)'),
    z.boolean(),
    z.null(),
    z.array(JsonValueSchema),
    z.record(z.string(), JsonValueSchema),
  ]),
);

/** The form of TimestampSchema's text. */
export const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** ISO-8601 timestamp in UTC with milliseconds, e.g. 2026-11-24T05:31:00.000Z */
export const TimestampSchema = z.string().regex(TIMESTAMP_PATTERN, 'must be an ISO-8601 UTC timestamp with milliseconds, e.g. 2026-01-31T12:00:00.000Z');

import { z } from 'zod';
import { protocolTimestampToIso } from './protocol-timestamp.js';

/**
 * The JSON of one run block, as the original Python `dotscience` library
 * prints it on publish (`json.dumps(metadata, sort_keys=True, indent=4)`):
 *
 *     { "version": "1", "input": [...], "output": [...],
 *       "parameters": {...}, "summary": {...}, "labels": {...},
 *       "description"?, "error"?, "start"?, "end"?, "workload-file"? }
 *
 * (ours adds "interpreter"? and, at version "2", "metrics")
 *
 * Strict where it matters: the version must be "1"; data paths must be
 * file names (not empty, no NUL); names must be valid event names (1–1024 characters); every value of
 * parameters/summary/labels must be a string (the library stringifies them,
 * Dotscience's reader decoded them as string maps); times must be real UTC
 * times in the library's format.
 * Lenient where the original's reader was: a missing list or map is empty,
 * paths may be spelled unnormalized ("./a//b" — they are normalized when
 * planned), and keys this version does not know are kept in the parsed block
 * and ignored (a later library may add some; the plan lists them).
 */

const MAX_NAME = 1024;

/**
 * A data path in a block: relative to the library's root (DOTSCIENCE_PROJECT_DOT_ROOT, else
 * the program's working directory), as `os.path.relpath` makes it — so data outside the root
 * comes as `../…`; an absolute path is accepted too. Where it points is the runner's business
 * (data outside the project is recorded as an external dataset), not the block's.
 */
export const ProtocolDataPathSchema = z.string().superRefine((path, ctx) => {
  const problem = dataPathProblem(path);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

function dataPathProblem(path: string): string | undefined {
  if (path === '') return 'must be a path (it is empty)';
  if (path.includes('\0')) return `${JSON.stringify(path)} contains a NUL character, which no file name can`;
  return undefined;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A JSON object of names to string values. Built by hand rather than with
 * z.record so that a name such as `__proto__` stays an ordinary entry and each
 * problem is reported under its name.
 */
function stringMap(what: string) {
  return z.unknown().transform((value, ctx): Record<string, string> => {
    if (!isPlainObject(value)) {
      ctx.addIssue({ code: 'custom', message: `must be an object mapping each ${what} name to a string` });
      return z.NEVER;
    }
    const entries: Array<[string, string]> = [];
    for (const [name, v] of Object.entries(value)) {
      if (name.length === 0 || name.length > MAX_NAME) {
        ctx.addIssue({ code: 'custom', path: [name], message: `a ${what} name must have 1 to ${MAX_NAME} characters` });
      } else if (typeof v !== 'string') {
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `must be a string, not ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v} (the dotscience library prints every value with str())`,
        });
      } else {
        entries.push([name, v]);
      }
    }
    return Object.fromEntries(entries);
  });
}

const ProtocolTimestampSchema = z
  .string()
  .refine((t) => protocolTimestampToIso(t) !== undefined, 'must be a UTC time written %Y%m%dT%H%M%S.%f, e.g. 20190517T142233.123456');

/**
 * One point of a metric series in a version "2" block (our Python client's extension):
 * a finite number, an optional step (a non-negative integer) and when it was recorded.
 */
const ProtocolMetricPointSchema = z.object({
  name: z.string().min(1, 'must be a metric name').max(MAX_NAME, `must have at most ${MAX_NAME} characters`),
  value: z.number().refine(Number.isFinite, 'must be a finite number'),
  step: z.number().int('must be an integer').nonnegative('must not be negative').max(Number.MAX_SAFE_INTEGER).optional(),
  at: ProtocolTimestampSchema,
});

const RunBlockShape = {
  /** "1": the original library's block; "2": ours, version "1" plus `metrics` (series with steps). */
  version: z.enum(['1', '2'], { error: 'must be "1" (the original library) or "2" (ours, with metric series)' }),
  input: z.array(ProtocolDataPathSchema).default([]),
  output: z.array(ProtocolDataPathSchema).default([]),
  parameters: stringMap('parameter').default({}),
  summary: stringMap('summary').default({}),
  labels: stringMap('label').default({}),
  description: z.string().optional(),
  error: z.string().optional(),
  start: ProtocolTimestampSchema.optional(),
  end: ProtocolTimestampSchema.optional(),
  /** The script, in script mode (relative to the working directory, or absolute as the program was invoked). */
  'workload-file': z
    .string()
    .min(1, 'must be the script path')
    .refine((p) => !p.includes('\0'), 'must not contain a NUL character')
    .optional(),
  /**
   * Our Python client's extension (any version): the Python that printed the block (`sys.executable`), so a
   * notebook's runs are described by the kernel's interpreter and packages, not by the program that read them.
   */
  interpreter: z
    .string()
    .min(1, 'must be the path of the Python that printed the block')
    .refine((p) => !p.includes('\0'), 'must not contain a NUL character')
    .optional(),
  /** Version "2" only (see ProtocolMetricsSchema); a version "1" block's `metrics` is an unknown key, kept and ignored. */
  metrics: z.unknown().optional(),
};

const ProtocolMetricsSchema = z.array(ProtocolMetricPointSchema).max(100_000, 'must hold at most 100000 points: publish more often');
export type ProtocolMetricPoint = z.output<typeof ProtocolMetricPointSchema>;

export const RunBlockSchema = z.looseObject(RunBlockShape).transform((block, ctx) => {
  if (block.version !== '2' || block.metrics === undefined) return block;
  const metrics = ProtocolMetricsSchema.safeParse(block.metrics);
  if (metrics.success) return { ...block, metrics: metrics.data };
  for (const issue of metrics.error.issues) ctx.addIssue({ code: 'custom', path: ['metrics', ...issue.path], message: issue.message });
  return z.NEVER;
});

/** The metric points of a block: those of a version "2" block, none of a version "1" block (the original library had no series). */
export function blockMetricPoints(block: RunBlock): ProtocolMetricPoint[] {
  return block.version === '2' && Array.isArray(block.metrics) ? (block.metrics as ProtocolMetricPoint[]) : [];
}

/** A parsed run block: the wire fields as printed, plus any unknown keys. */
export type RunBlock = z.output<typeof RunBlockSchema>;

/** The keys the blocks define; anything else in a block is kept and ignored. */
export const RUN_BLOCK_KEYS: ReadonlySet<string> = new Set(Object.keys(RunBlockShape));

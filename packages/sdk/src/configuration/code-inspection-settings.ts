import { DEFAULT_GIT_TIMEOUT_MS, DEFAULT_MAX_UNTRACKED_BYTES, DEFAULT_MAX_UNTRACKED_FILE_BYTES } from '@dotscience/adapters-fs';
import { InvalidInputError } from '@dotscience/core';
import { z } from 'zod';

/**
 * How the code version of a run is taken from git (the `code` object of
 * `.dotscience/config.json`): untracked files are carried in the stored patch only
 * up to a size per file and in total (the rest are listed by path and size, never
 * read), and each git command has a time limit.
 */
export const CodeInspectionSettingsSchema = z
  .object({
    maxUntrackedFileBytes: z.number().int().nonnegative().optional(),
    maxUntrackedBytes: z.number().int().nonnegative().optional(),
    gitTimeoutMs: z.number().int().positive().optional(),
  })
  .strict();
export type CodeInspectionSettings = z.infer<typeof CodeInspectionSettingsSchema>;

export const CODE_INSPECTION_VARIABLES = {
  maxUntrackedFileBytes: 'DOTSCIENCE_CODE_MAX_UNTRACKED_FILE_BYTES',
  maxUntrackedBytes: 'DOTSCIENCE_CODE_MAX_UNTRACKED_BYTES',
  gitTimeoutMs: 'DOTSCIENCE_CODE_GIT_TIMEOUT_MS',
} as const satisfies Record<keyof CodeInspectionSettings, string>;

/** The code inspection settings in force. */
export interface CodeInspectionConfiguration {
  maxUntrackedFileBytes: number;
  maxUntrackedBytes: number;
  gitTimeoutMs: number;
  /** How a user raises the git timeout, for the message when git does not answer in time. */
  gitTimeoutSetting: string;
}

/** The git timeout setting as a user writes it, named in the message when git does not answer in time. */
export const GIT_TIMEOUT_SETTING = `${CODE_INSPECTION_VARIABLES.gitTimeoutMs} (or "code": { "gitTimeoutMs": … } in .dotscience/config.json)`;

/** The `DOTSCIENCE_CODE_*` variables that are set, as numbers; a value that is not a whole number is refused, naming the variable. */
export function codeInspectionFromEnvironment(env: Record<string, string | undefined>): CodeInspectionSettings {
  const settings: CodeInspectionSettings = {};
  const problems: Array<{ path: string; message: string }> = [];
  for (const [key, variable] of Object.entries(CODE_INSPECTION_VARIABLES) as Array<[keyof CodeInspectionSettings, string]>) {
    const value = env[variable]?.trim();
    if (value === undefined || value === '') continue;
    const parsed = CodeInspectionSettingsSchema.shape[key].safeParse(/^\d+$/.test(value) ? Number(value) : value);
    if (parsed.success && parsed.data !== undefined) settings[key] = parsed.data;
    else problems.push({ path: variable, message: `"${value}" is not a whole number${key === 'gitTimeoutMs' ? ' of milliseconds above 0' : ' of bytes'}` });
  }
  if (problems.length > 0) throw new InvalidInputError('environment', problems);
  return settings;
}

/** Each setting from the first layer that has it (explicit, environment, config file), else its default. */
export function resolveCodeInspection(layers: ReadonlyArray<CodeInspectionSettings | undefined>): CodeInspectionConfiguration {
  const pick = <K extends keyof CodeInspectionSettings>(key: K): CodeInspectionSettings[K] => layers.find((layer) => layer?.[key] !== undefined)?.[key];
  return {
    maxUntrackedFileBytes: pick('maxUntrackedFileBytes') ?? DEFAULT_MAX_UNTRACKED_FILE_BYTES,
    maxUntrackedBytes: pick('maxUntrackedBytes') ?? DEFAULT_MAX_UNTRACKED_BYTES,
    gitTimeoutMs: pick('gitTimeoutMs') ?? DEFAULT_GIT_TIMEOUT_MS,
    gitTimeoutSetting: GIT_TIMEOUT_SETTING,
  };
}

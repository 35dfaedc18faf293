import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InvalidInputError, parseInput } from '@dotscience/core';
import { z } from 'zod';
import {
  codeInspectionFromEnvironment,
  CodeInspectionSettingsSchema,
  resolveCodeInspection,
  type CodeInspectionConfiguration,
} from './code-inspection-settings.js';
import { ConfigurationError } from './configuration-errors.js';
import { parseDataLocation, parseStoreLocation, type DataLocation, type SourcedValue, type StoreLocation } from './storage-locations.js';

/** The project folder; `config.json` inside it is the configuration file. */
export const PROJECT_FOLDER = '.dotscience';
export const CONFIG_FILE = 'config.json';

const nonEmpty = z.string().trim().min(1, 'must not be empty');

/** Settings a caller may pass, and what `.dotscience/config.json` may hold. */
export const SettingsSchema = z
  .object({
    store: nonEmpty.optional(),
    data: nonEmpty.optional(),
    hub: nonEmpty.optional(),
    token: nonEmpty.optional(),
    project: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, ".", "_" and "-" (starting with a letter or digit)')
      .optional(),
    /** How code versions are taken from git: untracked size limits and the git timeout. */
    code: CodeInspectionSettingsSchema.optional(),
  })
  .strict();
export type Settings = z.infer<typeof SettingsSchema>;

export const ENVIRONMENT_VARIABLES = {
  store: 'DOTSCIENCE_STORE',
  data: 'DOTSCIENCE_DATA',
  hub: 'DOTSCIENCE_HUB',
  token: 'DOTSCIENCE_TOKEN',
  project: 'DOTSCIENCE_PROJECT',
} as const satisfies Record<Exclude<keyof Settings, 'code'>, string>;

export interface ResolveOptions {
  /** Explicit settings (SDK options, CLI flags); they win over everything. */
  settings?: Settings;
  /** Default: process.cwd(). */
  cwd?: string;
  /** Default: process.env. */
  env?: Record<string, string | undefined>;
}

export interface Configuration {
  /** The project's root: where `.dotscience/config.json` was found, else the working directory. */
  projectRoot: string;
  projectId: string;
  store: StoreLocation;
  data: DataLocation;
  /** Where projection checkpoints are kept (always local). */
  checkpointsDirectory: string;
  /** Where SDK processes note the runs they have open (always local; see annotations/open-run-notes.ts). */
  openRunsDirectory: string;
  token?: string;
  /** The config file that was read, if any. */
  configFile?: string;
  /** How code versions are taken from git (`code` settings, `DOTSCIENCE_CODE_*` variables). */
  codeInspection: CodeInspectionConfiguration;
  /** Where each setting came from: 'option', an environment variable, the config file, or 'default'. */
  sources: Record<'store' | 'data' | 'project' | 'hub' | 'token', string>;
}

/** Walk up from `cwd` to the first directory holding `.dotscience/config.json`. */
export function findConfigFile(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const candidate = join(dir, PROJECT_FOLDER, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readConfigFile(path: string): Settings {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigurationError('configuration', path, `cannot be read as JSON (${(err as Error).message}); fix the file or delete it and run ds init`);
  }
  return parseInput(SettingsSchema, json, `configuration file ${path}`);
}

function parseExplicit(settings: Settings | undefined): Settings {
  return settings === undefined ? {} : parseInput(SettingsSchema, settings, 'dotscience options');
}

function fromEnvironment(env: Record<string, string | undefined>): Settings {
  const raw: Record<string, string> = {};
  for (const [key, variable] of Object.entries(ENVIRONMENT_VARIABLES)) {
    const value = env[variable];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  try {
    return SettingsSchema.parse(raw);
  } catch (err) {
    if (!(err instanceof z.ZodError)) throw err;
    const problems = err.issues.map((i) => ({
      path: ENVIRONMENT_VARIABLES[String(i.path[0]) as keyof typeof ENVIRONMENT_VARIABLES] ?? String(i.path[0]),
      message: i.message,
    }));
    throw new InvalidInputError('environment', problems);
  }
}

/**
 * One resolution order (DESIGN §7): explicit settings > environment
 * (`DOTSCIENCE_STORE`, `DOTSCIENCE_DATA`, `DOTSCIENCE_HUB`, `DOTSCIENCE_TOKEN`,
 * `DOTSCIENCE_PROJECT`, `DOTSCIENCE_CODE_*`) > `.dotscience/config.json` found by walking up from the
 * working directory > the embedded fs store in `./.dotscience`.
 *
 * A hub URL (`hub`) selects the hub for events and data unless `store`/`data`
 * say otherwise; the fs data store defaults to `<store>/data` next to the log.
 * Relative paths resolve against the working directory (options, environment)
 * or the project root (config file).
 */
export function resolveConfiguration(options: ResolveOptions = {}): Configuration {
  const cwd = resolve(options.cwd ?? process.cwd());
  const env = options.env ?? process.env;
  const explicit = parseExplicit(options.settings);
  const fromEnv = fromEnvironment(env);
  const configFile = findConfigFile(cwd);
  const fromFile = configFile === undefined ? {} : readConfigFile(configFile);
  const projectRoot = configFile === undefined ? cwd : dirname(dirname(configFile));

  const layers: Array<{ settings: Settings; source: (key: keyof typeof ENVIRONMENT_VARIABLES) => string; baseDir: string }> = [
    { settings: explicit, source: () => 'option', baseDir: cwd },
    { settings: fromEnv, source: (key) => ENVIRONMENT_VARIABLES[key], baseDir: cwd },
    ...(configFile === undefined ? [] : [{ settings: fromFile, source: () => configFile, baseDir: projectRoot }]),
  ];
  const pick = (key: keyof typeof ENVIRONMENT_VARIABLES): SourcedValue | undefined => {
    for (const layer of layers) {
      const value = layer.settings[key];
      if (value !== undefined) return { value, source: layer.source(key), baseDir: layer.baseDir };
    }
    return undefined;
  };

  const hub = pick('hub');
  const storeSetting = pick('store') ?? hub;
  const store: StoreLocation = storeSetting ? parseStoreLocation(storeSetting) : { kind: 'fs', directory: join(projectRoot, PROJECT_FOLDER) };
  const dataSetting = pick('data') ?? (store.kind === 'hub' ? storeSetting : undefined);
  const localFolder = store.kind === 'fs' ? store.directory : join(projectRoot, PROJECT_FOLDER);
  const data: DataLocation = dataSetting ? parseDataLocation(dataSetting) : { kind: 'fs', directory: join(localFolder, 'data') };
  const project = pick('project');
  const token = pick('token');
  const codeInspection = resolveCodeInspection([explicit.code, codeInspectionFromEnvironment(env), fromFile.code]);
  return {
    projectRoot,
    projectId: project?.value ?? 'default',
    store,
    data,
    checkpointsDirectory: join(localFolder, 'projections'),
    openRunsDirectory: join(localFolder, 'open-runs'),
    codeInspection,
    ...(token === undefined ? {} : { token: token.value }),
    ...(configFile === undefined ? {} : { configFile }),
    sources: {
      store: storeSetting?.source ?? 'default',
      data: dataSetting?.source ?? 'default',
      project: project?.source ?? 'default',
      hub: hub?.source ?? 'unset',
      token: token?.source ?? 'unset',
    },
  };
}

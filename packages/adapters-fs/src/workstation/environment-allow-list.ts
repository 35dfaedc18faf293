/**
 * Variables recorded without being asked for: they change what a run computes (seeds, thread
 * counts, visible devices, locale) and never hold secrets.
 */
export const DEFAULT_ALLOWED_VARIABLES: readonly string[] = [
  'PYTHONHASHSEED',
  'CUDA_VISIBLE_DEVICES',
  'OMP_NUM_THREADS',
  'MKL_NUM_THREADS',
  'OPENBLAS_NUM_THREADS',
  'TZ',
  'LANG',
  'LC_ALL',
];

/** The variable naming further variables to record: comma- or space-separated names, `PREFIX_*` for every name with that prefix. */
export const ENVIRONMENT_ALLOW_VARIABLE = 'DOTSCIENCE_ENV_ALLOW';

/**
 * The allow-listed variables of `env` that are set: the defaults plus what
 * DOTSCIENCE_ENV_ALLOW names. Nothing else is read, so secrets stay out unless named.
 */
export function allowedVariables(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const named = (env[ENVIRONMENT_ALLOW_VARIABLE] ?? '').split(/[\s,]+/).filter((name) => name !== '');
  const exact = new Set([...DEFAULT_ALLOWED_VARIABLES, ...named.filter((name) => !name.endsWith('*'))]);
  const prefixes = named.filter((name) => name.endsWith('*')).map((name) => name.slice(0, -1));
  const variables: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value === undefined) continue;
    // Defined, not assigned: a variable named __proto__ is just a name.
    if (exact.has(name) || prefixes.some((prefix) => name.startsWith(prefix)))
      Object.defineProperty(variables, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return variables;
}

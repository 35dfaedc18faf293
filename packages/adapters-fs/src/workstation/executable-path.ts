import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/**
 * Where `program` is, as a shell would find it: a name with a slash relative to `cwd`,
 * a bare name on the PATH of `env`. Undefined when no executable file is there.
 */
export function executableOnPath(program: string, env: Readonly<Record<string, string | undefined>>, cwd = process.cwd()): string | undefined {
  const executable = (path: string): boolean => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (program.includes('/')) {
    const path = isAbsolute(program) ? program : resolve(cwd, program);
    return executable(path) ? path : undefined;
  }
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, program);
    if (executable(candidate)) return candidate;
  }
  return undefined;
}

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where the built web UI is: DOTSCIENCE_WEB_APP when that directory exists, else packages/web/dist of this checkout (built by `pnpm build:web`). */
export function webAppDirectory(): string | undefined {
  const explicit = process.env['DOTSCIENCE_WEB_APP'];
  if (explicit !== undefined && explicit !== '') return existsSync(explicit) ? explicit : undefined;
  const bundled = fileURLToPath(new URL('../../web/dist', import.meta.url));
  return existsSync(bundled) ? bundled : undefined;
}

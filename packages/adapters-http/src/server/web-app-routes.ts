import { createReadStream, promises as fsp } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';

export const WEB_APP_PREFIX = '/ui/';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

/**
 * The built web UI, read-only from `directory`: `/ui/<file>` is that file
 * (Vite's hashed assets are cached for a year), anything else under /ui/ is the
 * app's index.html, and `/` redirects to /ui/. The app itself asks for a token
 * and calls the JSON API under /v1 like any other client.
 */
export function registerWebAppRoutes(app: FastifyInstance, directory: string): void {
  const root = resolve(directory);
  app.get('/', async (_request, reply) => reply.redirect(WEB_APP_PREFIX));
  app.get('/ui', async (_request, reply) => reply.redirect(WEB_APP_PREFIX));
  app.get(`${WEB_APP_PREFIX}*`, async (request, reply) => {
    // The router has decoded the path once already: decoding it again would read `%25` as an escape (and throw on a lone `%`).
    const wanted = (request.params as { '*': string })['*'] ?? '';
    const file = resolve(root, wanted);
    const inside = file.startsWith(root + sep);
    const stat = inside ? await fsp.stat(file).catch(() => undefined) : undefined;
    const served = stat?.isFile() ? file : join(root, 'index.html');
    const size = stat?.isFile() ? stat.size : (await fsp.stat(served)).size;
    const immutable = served.includes(`${sep}assets${sep}`);
    return reply
      .header('content-type', CONTENT_TYPES[extname(served)] ?? 'application/octet-stream')
      .header('content-length', size)
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(createReadStream(served));
  });
}

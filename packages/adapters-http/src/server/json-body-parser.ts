import { InvalidInputError } from '@dotscience/core';
import type { FastifyInstance } from 'fastify';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON bodies must be UTF-8 (RFC 8259 §8.1). Fastify's default parser decodes
 * invalid bytes to U+FFFD, so a Latin-1 `café` would be stored as `caf\uFFFD` and
 * acknowledged — a silently altered record. Here invalid UTF-8 is a 400 naming the
 * body, and nothing is written; everything else is the default parser's job
 * (BOM, empty body, `__proto__`/`constructor` keys, syntax errors).
 */
export function acceptOnlyUtf8Json(app: FastifyInstance): void {
  const parseJsonText = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = utf8.decode(body as Buffer);
    } catch {
      done(new InvalidInputError('request body', [{ path: '', message: 'is not valid UTF-8 — send JSON encoded as UTF-8' }]), undefined);
      return;
    }
    parseJsonText(request, text, done);
  });
}

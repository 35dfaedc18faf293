import type { FastifyRequest } from 'fastify';
import type { GrantedAccess, TokenRegistry } from '../tokens/token-registry.js';
import type { Role } from '../wire/wire-schemas.js';
import { forbidden, unauthorized } from './http-errors.js';

const RANK: Record<Role, number> = { read: 0, write: 1, admin: 2 };

/** The access the request's bearer token grants (checked once, before its body was read: see request-guard.ts), or a 401. */
export function authenticate(request: FastifyRequest, tokens: TokenRegistry): GrantedAccess {
  if (request.grantedAccess) return request.grantedAccess;
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  const access = match ? tokens.authenticate(match[1]!) : undefined;
  if (!access) throw unauthorized();
  return access;
}

/** The request may touch `project` with `role` only if its token is scoped to that project with at least that role. */
export function authorize(access: GrantedAccess, project: string, role: Role): void {
  if (access.project !== project)
    throw forbidden(`this token is scoped to another project and cannot reach project ${JSON.stringify(project)} — use a token of that project`);
  if (RANK[access.role] < RANK[role])
    throw forbidden(`this token has the ${access.role} role; this request needs ${role} — ask a project admin for a ${role} token`);
}

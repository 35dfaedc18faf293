import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fsp, statSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DotscienceError, parseInput } from '@dotscience/core';
import { z } from 'zod';
import { ProjectIdSchema, RoleSchema, type Role, type TokenInfo } from '../wire/wire-schemas.js';

/** A token as stored: never the secret, only its sha256. */
const StoredTokenSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{16}$/),
  project: ProjectIdSchema,
  role: RoleSchema,
  label: z.string().optional(),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
type StoredToken = z.infer<typeof StoredTokenSchema>;
const TokenFileSchema = z.object({ version: z.literal(1), tokens: z.array(StoredTokenSchema) });

const TOKEN_PATTERN = /^dst_([0-9a-f]{16})_[A-Za-z0-9_-]{43}$/;

export class UnknownTokenError extends DotscienceError {
  readonly code = 'TOKEN_NOT_FOUND';
  constructor(readonly tokenId: string) {
    super(`no token ${tokenId} — list the tokens with ds token list`);
  }
}

export interface GrantedAccess {
  tokenId: string;
  project: string;
  role: Role;
}

interface TokenFile {
  tokens: readonly StoredToken[];
  byId: ReadonlyMap<string, StoredToken>;
}
const NO_TOKENS: TokenFile = { tokens: [], byId: new Map() };

const hashOf = (secret: string): Buffer => createHash('sha256').update(secret, 'utf8').digest();
const info = ({ sha256: _hash, ...rest }: StoredToken): TokenInfo => rest;

/**
 * Bearer tokens of a hub, kept in one JSON file (`tokens.json`) as sha256
 * hashes of the secret, each scoped to one project with a role. The file is
 * re-read when it changes on disk, so `ds token revoke` on the hub's machine
 * takes effect on the next request of a running hub.
 */
export class TokenRegistry {
  private cache: (TokenFile & { mtimeMs: number; size: number }) | undefined;

  constructor(readonly file: string) {}

  static inDirectory(directory: string): TokenRegistry {
    return new TokenRegistry(join(directory, 'tokens.json'));
  }

  /** Make a token; the secret is returned once and never stored. */
  async create(project: string, role: Role, label?: string): Promise<{ token: string; info: TokenInfo }> {
    const parsed = parseInput(z.object({ project: ProjectIdSchema, role: RoleSchema, label: z.string().max(200).optional() }), { project, role, label }, 'token');
    const id = randomBytes(8).toString('hex');
    const token = `dst_${id}_${randomBytes(32).toString('base64url')}`;
    const stored: StoredToken = {
      id,
      project: parsed.project,
      role: parsed.role,
      ...(parsed.label === undefined ? {} : { label: parsed.label }),
      createdAt: new Date().toISOString(),
      sha256: hashOf(token).toString('hex'),
    };
    await this.write([...this.load(), stored]);
    return { token, info: info(stored) };
  }

  list(project?: string): TokenInfo[] {
    return this.load()
      .filter((t) => project === undefined || t.project === project)
      .map(info);
  }

  /** Revoke a token by id (within `project` when given); revoking twice is a no-op. */
  async revoke(tokenId: string, project?: string): Promise<TokenInfo> {
    const tokens = this.load();
    const found = tokens.find((t) => t.id === tokenId && (project === undefined || t.project === project));
    if (!found) throw new UnknownTokenError(tokenId);
    if (found.revokedAt === undefined) {
      found.revokedAt = new Date().toISOString();
      await this.write(tokens);
    }
    return info(found);
  }

  /** The access a presented secret grants, or undefined (unknown, malformed or revoked). */
  authenticate(presented: string): GrantedAccess | undefined {
    const match = TOKEN_PATTERN.exec(presented);
    if (!match) return undefined;
    const stored = this.current().byId.get(match[1]!);
    if (!stored || stored.revokedAt !== undefined) return undefined;
    if (!timingSafeEqual(hashOf(presented), Buffer.from(stored.sha256, 'hex'))) return undefined;
    return { tokenId: stored.id, project: stored.project, role: stored.role };
  }

  /** The tokens as a copy the caller may change (and write back). */
  private load(): StoredToken[] {
    return this.current().tokens.map((t) => ({ ...t }));
  }

  /** The file's tokens, re-read when its size or mtime changed; shared, never to be changed. */
  private current(): TokenFile {
    let stat;
    try {
      stat = statSync(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return NO_TOKENS;
      throw error;
    }
    if (this.cache && this.cache.mtimeMs === stat.mtimeMs && this.cache.size === stat.size) return this.cache;
    const tokens = parseInput(TokenFileSchema, JSON.parse(readFileSync(this.file, 'utf8')), `token file ${this.file}`).tokens;
    const byId = new Map<string, StoredToken>();
    for (const token of tokens) if (!byId.has(token.id)) byId.set(token.id, token);
    this.cache = { mtimeMs: stat.mtimeMs, size: stat.size, tokens, byId };
    return this.cache;
  }

  private async write(tokens: StoredToken[]): Promise<void> {
    await fsp.mkdir(dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    await fsp.writeFile(temp, `${JSON.stringify({ version: 1, tokens }, null, 2)}\n`, { mode: 0o600 });
    await fsp.rename(temp, this.file);
    this.cache = undefined;
  }
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fsp, statSync, readFileSync } from 'node:fs';
import { withRegistryLock } from './registry-lock.js';
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
/** Verified secrets remembered at most (forgotten all at once beyond it). */
const VERIFIED_KEPT = 1024;

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
  /** The token's label, when it has one (what receipts name besides its id: who pushed). */
  label?: string;
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
 * re-read when it changes on disk (its inode, size or mtime), so `ds token revoke`
 * on the hub's machine takes effect on the next request of a running hub. The file is
 * looked at (one stat) once per turn of the event loop, not once per request: the
 * requests read in one turn were all sent before it began, and a stat per request
 * was ~6% of the hub's CPU under 100 appending clients.
 *
 * Every change is serialized across processes: under a lock file (`tokens.json.lock`,
 * see registry-lock.ts) the file is read again from disk, changed, written to a
 * temporary sibling (0600, fsynced) and renamed over it, and the directory is fsynced.
 * So a create that answered is kept and a revoke that answered is in force, however
 * many hubs, admins and `ds token` commands change the file at once.
 */
export class TokenRegistry {
  private cache: (TokenFile & { ino: number; mtimeMs: number; size: number }) | undefined;
  /** The file as looked at in this turn of the event loop; forgotten when the turn ends. */
  private checkedThisTurn: TokenFile | undefined;
  /** Secrets that authenticated, with the version of the file they were checked against (any change of the file makes them count for nothing). */
  private readonly verified = new Map<string, { file: TokenFile; access: GrantedAccess }>();
  /** This process's changes, one after another (the lock file orders them against other processes'). */
  private changes: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  static inDirectory(directory: string): TokenRegistry {
    return new TokenRegistry(join(directory, 'tokens.json'));
  }

  /** Make a token; the secret is returned once and never stored. */
  async create(project: string, role: Role, label?: string): Promise<{ token: string; info: TokenInfo }> {
    const parsed = parseInput(
      z.object({ project: ProjectIdSchema, role: RoleSchema, label: z.string().max(200).optional() }),
      { project, role, label },
      'token',
    );
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
    await this.change((tokens) => [...tokens, stored]);
    return { token, info: info(stored) };
  }

  list(project?: string): TokenInfo[] {
    return this.load()
      .filter((t) => project === undefined || t.project === project)
      .map(info);
  }

  /** Revoke a token by id (within `project` when given); revoking twice is a no-op. */
  async revoke(tokenId: string, project?: string): Promise<TokenInfo> {
    let revoked: StoredToken | undefined;
    await this.change((tokens) => {
      revoked = tokens.find((t) => t.id === tokenId && (project === undefined || t.project === project));
      if (!revoked) throw new UnknownTokenError(tokenId);
      if (revoked.revokedAt !== undefined) return undefined;
      revoked.revokedAt = new Date().toISOString();
      return tokens;
    });
    return info(revoked!);
  }

  /** The access a presented secret grants, or undefined (unknown, malformed or revoked). */
  authenticate(presented: string): GrantedAccess | undefined {
    const file = this.current();
    // A secret already verified against this very version of the file needs no hashing again.
    const verified = this.verified.get(presented);
    if (verified?.file === file) return verified.access;
    const match = TOKEN_PATTERN.exec(presented);
    if (!match) return undefined;
    const stored = file.byId.get(match[1]!);
    if (!stored || stored.revokedAt !== undefined) return undefined;
    if (!timingSafeEqual(hashOf(presented), Buffer.from(stored.sha256, 'hex'))) return undefined;
    const access: GrantedAccess = {
      tokenId: stored.id,
      project: stored.project,
      role: stored.role,
      ...(stored.label === undefined ? {} : { label: stored.label }),
    };
    if (this.verified.size >= VERIFIED_KEPT) this.verified.clear();
    this.verified.set(presented, { file, access });
    return access;
  }

  /** The tokens as a copy the caller may change (and write back). */
  private load(): StoredToken[] {
    return this.current().tokens.map((t) => ({ ...t }));
  }

  /** The file's tokens as this turn of the event loop sees them; shared, never to be changed. */
  private current(): TokenFile {
    if (this.checkedThisTurn) return this.checkedThisTurn;
    const file = this.onDisk();
    this.checkedThisTurn = file;
    setImmediate(() => (this.checkedThisTurn = undefined));
    return file;
  }

  /** The file's tokens, re-read when its inode, size or mtime changed. */
  private onDisk(): TokenFile {
    let stat;
    try {
      stat = statSync(this.file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return NO_TOKENS;
      throw error;
    }
    const cache = this.cache;
    if (cache && cache.ino === stat.ino && cache.mtimeMs === stat.mtimeMs && cache.size === stat.size) return cache;
    const tokens = parseInput(TokenFileSchema, JSON.parse(readFileSync(this.file, 'utf8')), `token file ${this.file}`).tokens;
    const byId = new Map<string, StoredToken>();
    for (const token of tokens) if (!byId.has(token.id)) byId.set(token.id, token);
    this.cache = { ino: stat.ino, mtimeMs: stat.mtimeMs, size: stat.size, tokens, byId };
    return this.cache;
  }

  /**
   * Change the tokens as they are on disk now, under the lock: `edit` gets a copy it
   * may change and answers the tokens to write (undefined: nothing to write).
   */
  private change(edit: (tokens: StoredToken[]) => StoredToken[] | undefined): Promise<void> {
    const run = this.changes.then(async () => {
      await fsp.mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
      await withRegistryLock(`${this.file}.lock`, async () => {
        this.forget(); // read what the last writer, in any process, left
        const tokens = edit(this.load());
        if (tokens !== undefined) await this.write(tokens);
      });
    });
    this.changes = run.catch(() => undefined);
    return run;
  }

  private async write(tokens: StoredToken[]): Promise<void> {
    const temp = `${this.file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    const handle = await fsp.open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify({ version: 1, tokens }, null, 2)}\n`);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await fsp.rm(temp, { force: true });
      throw error;
    }
    await handle.close();
    await fsp.rename(temp, this.file);
    const directory = await fsp.open(dirname(this.file), 'r');
    try {
      await directory.sync();
    } finally {
      await directory.close();
    }
    this.forget();
  }

  private forget(): void {
    this.cache = undefined;
    this.checkedThisTurn = undefined;
  }
}

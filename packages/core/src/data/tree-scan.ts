import { DataPathNotFoundError, NonUtf8NameError, SpecialFileError, type SpecialFileKind } from '../errors/data-errors.js';
import type { EntryStat, TreeSource } from '../ports/tree-source.js';
import { escapeInvalidUtf8, isValidUtf8, mayHideInvalidUtf8, utf8Bytes } from './name-encoding.js';

export interface ScannedFile<F> {
  type: 'file';
  name: string;
  /** Path relative to the captured root ('' for a root that is itself a file). */
  rel: string;
  /** Where to read it. */
  path: string;
  mode: number;
  /** Length when scanned. */
  size: number;
  detail: F;
}
export interface ScannedSymlink {
  type: 'symlink';
  name: string;
  mode: number;
  /** Recorded as text, never followed: a link out of the tree stays a link. */
  target: string;
}
export interface ScannedDirectory<F> {
  type: 'directory';
  name: string;
  rel: string;
  path: string;
  mode: number;
  children: Array<ScannedNode<F>>;
  /** Regular files below it and their bytes when scanned (symlinks and directories add nothing). */
  files: number;
  bytes: number;
}
export type ScannedNode<F> = ScannedFile<F> | ScannedSymlink | ScannedDirectory<F>;
export type ScannedRoot<F> = ScannedFile<F> | ScannedDirectory<F>;

export interface ScanOptions {
  /**
   * The path to name in errors in place of the resolved root (e.g. the user's
   * path when the scan reads a copy of it mounted elsewhere). Default: the resolved root.
   */
  shownRoot?: string;
}

const PERMISSION_BITS = 0o7777;
const YIELD_EVERY_MS = 10;

function specialKind(stat: EntryStat): SpecialFileKind {
  if (stat.isSocket()) return 'socket';
  if (stat.isFIFO()) return 'fifo';
  if (stat.isBlockDevice()) return 'block device';
  if (stat.isCharacterDevice()) return 'character device';
  return 'unknown';
}

const joinPath = (dir: string, name: string): string => (dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`);

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Refuse a resolved path whose bytes are not UTF-8 (`raw` is read only when the decoded path holds U+FFFD). */
export function refuseNonUtf8Path(decoded: string, raw: () => Uint8Array): void {
  if (!mayHideInvalidUtf8(decoded)) return;
  const bytes = raw();
  if (!isValidUtf8(bytes)) throw new NonUtf8NameError(escapeInvalidUtf8(bytes), bytes, 'name');
}

const MISSING_PATH_CODES: ReadonlySet<unknown> = new Set(['ENOENT', 'ENOTDIR']);

function resolveRoot(source: TreeSource<EntryStat, unknown>, path: string): string {
  try {
    return source.realpath(path);
  } catch (error) {
    if (MISSING_PATH_CODES.has((error as { code?: unknown } | undefined)?.code)) throw new DataPathNotFoundError(path);
    throw error;
  }
}

class Scan<S extends EntryStat, F> {
  private lastYield = performance.now();

  constructor(
    private readonly source: TreeSource<S, F>,
    private readonly root: string,
    private readonly shownRoot: string,
  ) {}

  /** `path` as errors name it. */
  private shown(path: string): string {
    return this.shownRoot + path.slice(this.root.length);
  }

  /** Refuse a directory holding a name that is not UTF-8 (some decoded name held U+FFFD; it may be a real one). */
  private refuseNonUtf8Names(dir: string): void {
    const bad = this.source.listRaw(dir).find((name) => !isValidUtf8(name));
    if (bad) {
      const shownDir = this.shown(dir);
      throw new NonUtf8NameError(joinPath(shownDir, escapeInvalidUtf8(bad)), concatBytes(utf8Bytes(joinPath(shownDir, '')), bad), 'name');
    }
  }

  /** A symlink's target text, refused when it is not UTF-8 (a manifest records it as text; U+FFFD would alter it). */
  private linkTarget(path: string): string {
    const target = this.source.readlink(path);
    if (!mayHideInvalidUtf8(target)) return target;
    const raw = this.source.readlinkRaw(path);
    if (!isValidUtf8(raw)) throw new NonUtf8NameError(this.shown(path), utf8Bytes(this.shown(path)), 'symlink target', escapeInvalidUtf8(raw));
    return target;
  }

  async node(path: string, rel: string, name: string, stat: S): Promise<ScannedNode<F>> {
    const mode = Number(stat.mode) & PERMISSION_BITS;
    if (stat.isFile()) return { type: 'file', name, rel, path, mode, size: Number(stat.size), detail: this.source.fileDetail(stat, path) };
    if (stat.isSymbolicLink()) return { type: 'symlink', name, mode, target: this.linkTarget(path) };
    if (!stat.isDirectory()) throw new SpecialFileError(this.shown(path), specialKind(stat));
    const names = this.source.list(path);
    if (names.some(mayHideInvalidUtf8)) this.refuseNonUtf8Names(path);
    const dir: ScannedDirectory<F> = { type: 'directory', name, rel, path, mode, children: [], files: 0, bytes: 0 };
    for (const childName of names) {
      const childPath = joinPath(path, childName);
      const child = await this.node(childPath, rel === '' ? childName : `${rel}/${childName}`, childName, this.source.lstat(childPath));
      dir.children.push(child);
      if (child.type === 'file') {
        dir.files += 1;
        dir.bytes += child.size;
      } else if (child.type === 'directory') {
        dir.files += child.files;
        dir.bytes += child.bytes;
      }
    }
    if (performance.now() - this.lastYield > YIELD_EVERY_MS) {
      await this.source.yieldToEventLoop();
      this.lastYield = performance.now();
    }
    return dir;
  }
}

/**
 * Scan the tree at `path` the way every DataStore captures it: the path itself is
 * what the user named, so a symlink there is followed once (`root` is the
 * resolved path); inside, symlinks are recorded by their target text and never
 * followed (one pointing out of the tree stays a link). Sockets, FIFOs and
 * devices are refused (`SpecialFileError`), and so are names and link targets
 * that are not UTF-8 (`NonUtf8NameError`): a version stores them as text and
 * could not give the same bytes back. Nothing is read but metadata, so a refusal
 * comes before anything is stored.
 */
export async function scanTree<S extends EntryStat, F>(
  source: TreeSource<S, F>,
  path: string,
  options: ScanOptions = {},
): Promise<{ root: string; node: ScannedRoot<F> }> {
  const root = resolveRoot(source, path);
  refuseNonUtf8Path(root, () => source.realpathRaw(path));
  const node = await new Scan(source, root, options.shownRoot ?? root).node(root, '', '', source.lstat(root));
  if (node.type === 'symlink') throw new Error(`unreachable: ${root} is resolved, yet lstat calls it a symlink`);
  return { root, node };
}

/** The regular files of a scanned tree, in scan order. */
export function filesOf<F>(node: ScannedNode<F>, out: Array<ScannedFile<F>> = []): Array<ScannedFile<F>> {
  if (node.type === 'file') out.push(node);
  else if (node.type === 'directory') for (const child of node.children) filesOf(child, out);
  return out;
}

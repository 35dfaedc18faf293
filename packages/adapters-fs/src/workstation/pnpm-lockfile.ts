const DEPENDENCY_SECTIONS = new Set(['dependencies', 'devDependencies', 'optionalDependencies']);

interface Line {
  readonly indent: number;
  readonly key: string;
  /** Text after `key:` on the same line, '' when the value is a nested block. */
  readonly value: string;
}

const unquote = (text: string): string => text.trim().replace(/^(['"])(.*)\1$/, '$2');

function parseLines(text: string): Line[] {
  const lines: Line[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const body = raw.trimStart();
    if (body === '' || body.startsWith('#')) continue;
    const match = /^((?:'[^']*'|"[^"]*"|[^:'"\s][^:]*?)):(?:\s+(.*))?$/.exec(body);
    if (!match) continue;
    lines.push({ indent: raw.length - body.length, key: unquote(match[1] ?? ''), value: unquote(match[2] ?? '') });
  }
  return lines;
}

/** The lines nested under the line at `start` (deeper than its indent). */
function childrenOf(lines: readonly Line[], start: number): Line[] {
  const parent = lines[start];
  if (parent === undefined) return [];
  const children: Line[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.indent <= parent.indent) break;
    children.push(line);
  }
  return children;
}

/** `1.2.3(peer@4)` (v6+) or `1.2.3_peer@4` (v5) → `1.2.3`; links to local packages are no version. */
function installedVersion(value: string): string | undefined {
  if (value === '' || /^(link|file|workspace):/.test(value)) return undefined;
  return value.replace(/[(_].*$/, '');
}

/**
 * Versions pnpm-lock.yaml (lockfile v5 to v9) pins for one importer's dependencies
 * (`importer` relative to the lockfile, '.' for the root). Reads only the structure it
 * needs, line by line; anything it does not recognise is skipped.
 */
export function pnpmLockedVersions(text: string, importer: string): Map<string, string> {
  let lines = parseLines(text);
  const importers = lines.findIndex((line) => line.indent === 0 && line.key === 'importers');
  if (importers >= 0) {
    const section = childrenOf(lines, importers);
    const top = section[0]?.indent;
    const own = section.findIndex((line) => line.indent === top && line.key === importer);
    lines = own >= 0 ? childrenOf(section, own) : [];
  } else if (importer !== '.') {
    return new Map();
  }
  const base = Math.min(...lines.map((line) => line.indent));
  const versions = new Map<string, string>();
  lines.forEach((line, i) => {
    if (line.indent !== base || !DEPENDENCY_SECTIONS.has(line.key)) return;
    const entries = childrenOf(lines, i);
    const depth = entries[0]?.indent;
    entries.forEach((entry, j) => {
      if (entry.indent !== depth) return;
      const nested = childrenOf(entries, j).find((field) => field.key === 'version')?.value;
      const version = installedVersion(entry.value || nested || '');
      if (version !== undefined) versions.set(entry.key, version);
    });
  });
  return versions;
}

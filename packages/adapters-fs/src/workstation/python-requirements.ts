/** PEP 503 normalised project name: lower case, runs of `-`, `_`, `.` become one `-`. */
export const normalizePythonName = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

const REQUIREMENT = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*([^;]*)/;

/**
 * Requirements of a pip requirements.txt: name → pinned version for `name==version`
 * (or `===`), the specifier as written for ranges (`>=1.2,<2`), `*` when unconstrained.
 * Options (`-r`, `-e`, `--index-url`), URLs, local paths and comments are skipped.
 */
export function parseRequirements(text: string): Map<string, string> {
  const requirements = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '' || line.startsWith('-') || line.includes('://') || /^[./~]/.test(line)) continue;
    const match = REQUIREMENT.exec(line);
    if (!match?.[1]) continue;
    const specifier = (match[2] ?? '').replace(/\s+/g, '');
    if (specifier.includes('@')) continue; // `name @ url`: a direct reference, no version
    const pinned = /^===?([^,]+)$/.exec(specifier)?.[1];
    requirements.set(normalizePythonName(match[1]), pinned ?? (specifier === '' ? '*' : specifier));
  }
  return requirements;
}

import { mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProtocolDataRoot } from '../../src/runner/protocol-data-root.js';

describe('ProtocolDataRoot: block paths as the library means them', () => {
  const project = realpathSync(mkdtempSync(join(tmpdir(), 'ds-root-')));
  mkdirSync(join(project, 'src'));

  it('given no DOTSCIENCE_PROJECT_DOT_ROOT, the root is the project root, whatever the working directory', () => {
    const root = ProtocolDataRoot.forWorkload({}, join(project, 'src'), project);
    expect(root.directory).toBe(project);
    expect(root.locate('./data//x.csv')).toEqual({ printed: './data//x.csv', absolute: join(project, 'data/x.csv'), recorded: 'data/x.csv', external: false });
  });

  it('given DOTSCIENCE_PROJECT_DOT_ROOT relative to the working directory, paths are relative to it', () => {
    const root = ProtocolDataRoot.forWorkload({ DOTSCIENCE_PROJECT_DOT_ROOT: '..' }, join(project, 'src'), '/elsewhere');
    expect(root.directory).toBe(project);
    expect(root.locate('src/train.py').recorded).toBe('src/train.py');
  });

  it('a path outside the root, absolute or with .., is external and recorded by its absolute path', () => {
    const root = ProtocolDataRoot.forWorkload({}, project, project);
    expect(root.locate('/etc/hostname')).toMatchObject({ recorded: '/etc/hostname', external: true });
    expect(root.locate('../other/y.csv')).toMatchObject({ recorded: join(project, '../other/y.csv'), external: true });
    expect(root.locate('..')).toMatchObject({ external: true });
    expect(root.locate(join(project, 'data/x.csv'))).toMatchObject({ recorded: 'data/x.csv', external: false });
    expect(root.locate('data/../..foo')).toMatchObject({ recorded: '..foo', external: false });
  });
});

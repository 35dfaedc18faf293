import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { beforeAll } from 'vitest';
import { clockContract, codeInspectorContract, environmentContract, idGeneratorContract, type GitRunner } from '@dotscience/core/testing';
import { GitCodeInspector, NodeEnvironment, RandomIdGenerator, SystemClock } from '../../src/workstation/index.js';

const git: GitRunner = async (cwd, args) => (await promisify(execFile)('git', [...args], { cwd, encoding: 'utf8' })).stdout;

beforeAll(() => {
  // A repository enclosing the temp directory must never answer for "not a repository".
  process.env['GIT_CEILING_DIRECTORIES'] = tmpdir();
});

clockContract('SystemClock', () => new SystemClock());
idGeneratorContract('RandomIdGenerator', () => new RandomIdGenerator(), { timeOrdered: true });
codeInspectorContract('GitCodeInspector', () => new GitCodeInspector(), git);
environmentContract('NodeEnvironment', () => new NodeEnvironment());

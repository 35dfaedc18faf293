import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A real git repository in a temp directory, driven with the git CLI (identity passed with -c). */
export class GitRepository {
  private constructor(readonly dir: string) {}

  static async create(prefix = 'ds-git-repo-'): Promise<GitRepository> {
    const dir = await mkdtemp(join(tmpdir(), prefix));
    const repo = new GitRepository(dir);
    repo.git('init', '-q', '-b', 'main');
    return repo;
  }

  git(...args: string[]): string {
    return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
      cwd: this.dir,
      env: { ...process.env, GIT_AUTHOR_DATE: '2024-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2024-01-01T00:00:00Z' },
      encoding: 'utf8',
    }).trim();
  }

  async write(path: string, content: string | Uint8Array): Promise<void> {
    await mkdir(dirname(join(this.dir, path)), { recursive: true });
    await writeFile(join(this.dir, path), content);
  }

  /** Write the files and commit them all. */
  async commit(files: Record<string, string | Uint8Array>, message = 'commit'): Promise<string> {
    for (const [path, content] of Object.entries(files)) await this.write(path, content);
    this.git('add', '--all');
    this.git('commit', '-q', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  remove(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}

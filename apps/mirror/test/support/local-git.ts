import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GitCli } from '@klepaas/git';

/** A fixed, unusual identity and time zone, so a test can tell the source's from anything else. */
export const SOURCE_IDENTITY = {
  GIT_AUTHOR_NAME: 'Ada Source',
  GIT_AUTHOR_EMAIL: 'ada@source.example',
  GIT_AUTHOR_DATE: '@1700000000 +0930',
  GIT_COMMITTER_NAME: 'Grace Committer',
  GIT_COMMITTER_EMAIL: 'grace@source.example',
  GIT_COMMITTER_DATE: '@1700000100 -0245',
};

/** A plain (non-bare) repository on disk standing in for GitHub in unit specs. */
export class LocalSource {
  constructor(
    private readonly git: GitCli,
    readonly dir: string,
  ) {}

  static async create(git: GitCli, dir: string): Promise<LocalSource> {
    await git.run(['init', '--quiet', '--initial-branch=main', dir]);
    return new LocalSource(git, dir);
  }

  async commit(files: Record<string, string>, message = 'change'): Promise<string> {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(this.dir, path)), { recursive: true });
      await writeFile(join(this.dir, path), content);
    }
    const options = { gitDir: join(this.dir, '.git'), env: { ...SOURCE_IDENTITY, GIT_WORK_TREE: this.dir } };
    await this.git.run(['add', '--all'], options);
    await this.git.run(['commit', '--quiet', '--allow-empty', '-m', message], options);
    return (await this.git.run(['rev-parse', 'HEAD'], options)).trim();
  }
}

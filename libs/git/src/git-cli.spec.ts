import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitCli, GitCommandError } from './git-cli';

describe('GitCli', () => {
  const git = new GitCli();
  let dir: string;
  const saved = { HOME: process.env.HOME, GIT_DIR: process.env.GIT_DIR };
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'mirror-git-'))));
  afterEach(async () => {
    Object.assign(process.env, saved);
    if (saved.GIT_DIR === undefined) delete process.env.GIT_DIR;
    await rm(dir, { recursive: true, force: true });
  });

  it("ignores the user's configuration and the caller's git variables", async () => {
    await writeFile(join(dir, '.gitconfig'), '[commit]\n\tgpgSign = true\n[user]\n\tname = Someone\n');
    process.env.HOME = dir;
    process.env.GIT_DIR = '/nonexistent';
    const listed = await git.run(['config', '--list', '--show-origin']).catch((e: GitCommandError) => e.stderr);
    expect(listed).not.toContain('gpgsign');
    expect(listed).not.toContain('Someone');
  });

  it('hands configuration through the environment, not the argument list', async () => {
    const value = await git.run(['config', '--get', 'http.https://h.example/r.git.extraheader'], {
      config: [['http.https://h.example/r.git.extraHeader', 'Authorization: Basic c2VjcmV0']],
    });
    expect(value.trim()).toBe('Authorization: Basic c2VjcmV0');
  });

  it('fails with the command and git’s message, secrets scrubbed', async () => {
    const error = await git
      .run(['rev-parse', '--verify', 'hunter2-secret'], { gitDir: dir, secrets: ['hunter2-secret'] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitCommandError);
    expect((error as GitCommandError).message).toMatch(/^git rev-parse failed \(exit 128\)/);
    expect((error as GitCommandError).stderr).not.toContain('hunter2-secret');
  });

  it('feeds stdin', async () => {
    await git.run(['init', '--quiet', '--bare', dir]);
    const oid = await git.run(['hash-object', '-w', '--stdin'], { gitDir: dir, input: 'hello\n' });
    expect(oid.trim()).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });
});

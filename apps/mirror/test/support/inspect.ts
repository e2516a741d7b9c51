import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { RunningSandbox } from '../../../sandbox/src/start-sandbox';
import { cloneInto, git, GitAuth } from '../../../sandbox/test/support/git';
import { githubAdmin, sourceCommitAuth } from './mirror-fixtures';

const PEOPLE = ['--format=%an|%ae|%ad|%cn|%ce|%cd', '--date=raw'];

/** What a SourceCommit branch holds now, read from a fresh clone. */
export async function sourceCommitState(sandbox: RunningSandbox, url: string) {
  return inClone(url, sourceCommitAuth(sandbox), async (read, dir) => ({
    head: await read(['rev-parse', 'HEAD']),
    parent: await read(['rev-parse', 'HEAD^']),
    commits: Number(await read(['rev-list', '--count', 'HEAD'])),
    message: await read(['log', '-1', '--format=%B']),
    people: await read(['log', '-1', ...PEOPLE]),
    manifest: await readFile(join(dir, 'k8s/deployment.yaml'), 'utf8'),
  }));
}

/** Author, committer and both raw dates of a GitHub commit. */
export function githubCommitPeople(sandbox: RunningSandbox, url: string, sha: string): Promise<string> {
  return inClone(url, githubAdmin(sandbox), (read) => read(['log', '-1', ...PEOPLE, sha]));
}

async function inClone<T>(
  url: string,
  auth: GitAuth,
  work: (read: (args: string[]) => Promise<string>, dir: string) => Promise<T>,
): Promise<T> {
  const dir = await cloneInto(url, auth);
  try {
    return await work((args) => git(args, { cwd: dir }), dir);
  } finally {
    await rm(dirname(dir), { recursive: true, force: true });
  }
}

/** Every file of a bare repository except its objects (which hold only the repository's content). */
export async function plainFilesOf(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    if (name === 'objects') continue;
    if ((await stat(path)).isDirectory()) files.push(...(await plainFilesOf(path)));
    else files.push(path);
  }
  return files;
}

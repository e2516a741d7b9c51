import { Injectable } from '@nestjs/common';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { GitCli } from '../../common/git-cli';
import { Sequence } from '../../common/ids';
import { ResetHooks } from '../../common/reset-hooks';
import { SandboxContext } from '../../common/sandbox-context';
import { NcpError } from '../ncp-error';
import { changeRepositoryBody, createRepositoryBody } from './repository.schemas';

export interface ScRepository {
  id: number;
  name: string;
  description: string;
  linked: { FileSafer: boolean; ObjectStorage: boolean };
  created: { timestamp: number; user: string };
  /** The bare repository on disk that /git/<name>.git serves. */
  gitDir: string;
}

/** SourceCommit's repositories: records in memory, one bare git repository each on disk. */
@Injectable()
export class SourceCommitRepositories {
  private readonly repos = new Map<number, ScRepository>();
  private readonly ids = new Sequence(10001);

  constructor(
    private readonly context: SandboxContext,
    private readonly git: GitCli,
    resetHooks: ResetHooks,
  ) {
    resetHooks.register(async () => {
      this.repos.clear();
      this.ids.reset();
      await rm(this.context.sourceCommitRoot, { recursive: true, force: true });
      await mkdir(this.context.sourceCommitRoot, { recursive: true });
    });
  }

  list(): ScRepository[] {
    return [...this.repos.values()];
  }

  find(name: string): ScRepository | undefined {
    return this.list().find((r) => r.name === name);
  }

  findById(id: number): ScRepository | undefined {
    return this.repos.get(id);
  }

  async create(input: z.infer<typeof createRepositoryBody>): Promise<ScRepository> {
    // The duplicate-name code is not documented anywhere (docs/ncp.md, api §9, row 2); this
    // is the seed's 310405 on HTTP 400, so a client that looks the name up after a 400 works.
    if (this.find(input.name))
      throw new NcpError(400, '310405', 'Bad Request Exception', `repository "${input.name}" already exists`);
    const gitDir = join(this.context.sourceCommitRoot, `${input.name}.git`);
    await this.git.initBare(gitDir, 'main');
    const repo: ScRepository = {
      id: this.ids.take(),
      name: input.name,
      description: input.description ?? '',
      linked: { FileSafer: input.linked?.FileSafer ?? false, ObjectStorage: input.linked?.ObjectStorage ?? false },
      created: { timestamp: Date.now(), user: 'sandbox-user' },
      gitDir,
    };
    this.repos.set(repo.id, repo);
    return repo;
  }

  change(repo: ScRepository, input: z.infer<typeof changeRepositoryBody>): void {
    if (input.description !== undefined) repo.description = input.description;
    if (input.linked?.FileSafer !== undefined) repo.linked.FileSafer = input.linked.FileSafer;
  }

  async delete(repo: ScRepository): Promise<void> {
    this.repos.delete(repo.id);
    await rm(repo.gitDir, { recursive: true, force: true });
  }

  cloneUrl(repo: ScRepository): string {
    return `${this.context.baseUrl}/git/${repo.name}.git`;
  }
}

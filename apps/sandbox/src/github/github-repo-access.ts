import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { GithubAuth } from './github-auth.service';
import { githubNotFound } from './github-error';
import { GhRepository, GithubStore } from './github.store';

/**
 * The repository a token-authenticated request names. Like GitHub, a repository the token
 * cannot see is a 404, not a 403, so its existence does not leak.
 */
@Injectable()
export class GithubRepoAccess {
  constructor(
    private readonly auth: GithubAuth,
    private readonly store: GithubStore,
  ) {}

  resolve(req: Request, owner: string, name: string): GhRepository {
    const grant = this.auth.requireToken(req);
    const repo = this.store.repository(owner, name);
    if (!repo || !this.auth.canAccess(grant, repo)) throw githubNotFound();
    return repo;
  }
}

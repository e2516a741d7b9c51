import { Module } from '@nestjs/common';
import { GithubModule } from '../github/github.module';
import { SourceCommitModule } from '../ncp/sourcecommit/sourcecommit.module';
import { GitHttpBackend } from './git-http-backend';
import { GithubGitController } from './github-git.controller';
import { SourceCommitGitController } from './sourcecommit-git.controller';

/** Git over smart HTTP for SourceCommit (/git/) and the GitHub stand-in (/github/git/). */
@Module({
  imports: [SourceCommitModule, GithubModule],
  controllers: [SourceCommitGitController, GithubGitController],
  providers: [GitHttpBackend],
})
export class GitHostingModule {}

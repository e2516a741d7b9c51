import { Body, Controller, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import { NcpApi } from '../ncp-api.decorator';
import { notFound } from '../ncp-error';
import { idParam, parseBody } from '../ncp-validation';
import { ScRepository, SourceCommitRepositories } from './repositories.store';
import { changeRepositoryBody, createRepositoryBody } from './repository.schemas';

/** SourceCommit API v1 (docs/ncp.md, api §3), under /ncp/sourcecommit. */
@Controller('ncp/sourcecommit/api/v1')
@NcpApi()
export class SourceCommitController {
  constructor(private readonly repos: SourceCommitRepositories) {}

  @Get('repository')
  list() {
    const repository = this.repos
      .list()
      .map((r) => ({ id: r.id, name: r.name, permission: 'Manager', actionName: 'View,Change,Delete' }));
    return { total: repository.length, repository };
  }

  @Get('repository/id/:id')
  byId(@Param('id') id: string) {
    return this.detail(this.mustFindById(id));
  }

  @Get('repository/:name')
  byName(@Param('name') name: string) {
    const repo = this.repos.find(name);
    if (!repo) throw notFound(`repository "${name}" not found`);
    return this.detail(repo);
  }

  /** Create answers a bare `true`: NCP returns no id, callers look the name up. */
  @Post('repository')
  async create(@Body() body: unknown): Promise<boolean> {
    await this.repos.create(parseBody(createRepositoryBody, body));
    return true;
  }

  @Patch('repository/id/:id')
  change(@Param('id') id: string, @Body() body: unknown): boolean {
    this.repos.change(this.mustFindById(id), parseBody(changeRepositoryBody, body));
    return true;
  }

  @Delete('repository/id/:id')
  async remove(@Param('id') id: string): Promise<boolean> {
    await this.repos.delete(this.mustFindById(id));
    return true;
  }

  private mustFindById(raw: string): ScRepository {
    const repo = this.repos.findById(idParam(raw, 'repository'));
    if (!repo) throw notFound(`repository ${raw} not found`);
    return repo;
  }

  private detail(repo: ScRepository) {
    const https = this.repos.cloneUrl(repo);
    return {
      id: repo.id,
      name: repo.name,
      description: repo.description,
      created: repo.created,
      // Only HTTPS (smart HTTP) is served; the ssh URL is shown for shape's sake.
      git: { https, ssh: `ssh://${new URL(https).hostname}/${repo.name}.git` },
      linked: { FileSafer: repo.linked.FileSafer },
    };
  }
}

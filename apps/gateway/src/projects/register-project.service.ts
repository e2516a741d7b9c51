import { ConflictException, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createEnvelope, Events, ProjectSettings } from '@klepaas/contracts';
import type { Principal } from '@klepaas/auth';
import { OutboxStore } from '@klepaas/persistence';
import type { ProjectView } from '@klepaas/read-model';
import { GithubLookup } from './github-lookup';
import { DEFAULT_SETTINGS, RegistrationInput } from './project-input';
import { ProjectViews, provisioningView } from './project-views';
import { ClaimRaceError, RepositoryClaim, RepositoryClaims } from './repository-claims';

export interface RegistrationResult {
  /** 202 when a registration (or a new attempt after a failure) was requested; 200 for an existing project. */
  httpStatus: 200 | 202;
  project: ProjectView;
}

/**
 * POST /projects: asks GitHub which installation covers the repository, then claims it in one
 * transaction with the ProjectRegistrationRequested event. The same user again gets the
 * existing project (a failed one is provisioned again); another user gets 409.
 */
@Injectable()
export class RegisterProjectService {
  private readonly log = new Logger(RegisterProjectService.name);
  private readonly claims = new RepositoryClaims();

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxStore,
    private readonly github: GithubLookup,
    private readonly views: ProjectViews,
  ) {}

  async register(caller: Principal, input: RegistrationInput): Promise<RegistrationResult> {
    const { repository, installationId } = await this.github.repository(input.owner, input.repo);
    const settings: ProjectSettings = {
      branch: input.branch ?? repository.defaultBranch,
      autoDeploy: input.autoDeploy ?? DEFAULT_SETTINGS.autoDeploy,
      mergeOnly: input.mergeOnly ?? DEFAULT_SETTINGS.mergeOnly,
      paths: input.paths ?? DEFAULT_SETTINGS.paths,
      replicas: input.replicas ?? DEFAULT_SETTINGS.replicas,
      containerPort: input.containerPort ?? DEFAULT_SETTINGS.containerPort,
      podSecurity: input.podSecurity ?? DEFAULT_SETTINGS.podSecurity,
    };
    const wanted = {
      githubRepositoryId: repository.id,
      ownerId: caller.userId,
      owner: repository.owner,
      repo: repository.name,
      installationId,
      settings,
    };
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.dataSource.transaction(async (manager) => {
          const existing = await this.claims.lock(manager, repository.id);
          if (existing && !existing.released) return this.existing(manager, caller, existing);
          const projectId = randomUUID();
          await this.claims.claim(manager, { ...wanted, projectId });
          await this.requestRegistration(manager, { ...wanted, projectId });
          this.log.log(`${repository.fullName} claimed by ${caller.userId} as project ${projectId}`);
          return {
            httpStatus: 202 as const,
            project: provisioningView({ ...wanted, projectId, released: false, claimedAt: new Date().toISOString() }),
          };
        });
      } catch (error) {
        // Two registrations at the same moment: the loser starts over and finds the winner's claim.
        if (error instanceof ClaimRaceError && attempt < 2) continue;
        throw error;
      }
    }
  }

  private async existing(
    manager: import('typeorm').EntityManager,
    caller: Principal,
    claim: RepositoryClaim,
  ): Promise<RegistrationResult> {
    if (claim.ownerId !== caller.userId) {
      throw new ConflictException(`${claim.owner}/${claim.repo} is already registered by another user`);
    }
    const view = (await this.views.find(claim.projectId, caller.userId)) ?? provisioningView(claim);
    if (view.status !== 'failed') return { httpStatus: 200, project: view };
    // Asked again after a failure: provisioning resumes and completes only what is missing.
    await this.requestRegistration(manager, claim);
    return { httpStatus: 202, project: { ...view, status: 'provisioning' } };
  }

  private async requestRegistration(
    manager: import('typeorm').EntityManager,
    claim: Pick<
      RepositoryClaim,
      'projectId' | 'ownerId' | 'owner' | 'repo' | 'githubRepositoryId' | 'installationId' | 'settings'
    >,
  ): Promise<void> {
    await this.outbox.append(manager, [
      createEnvelope(
        Events.ProjectRegistrationRequested,
        {
          projectId: claim.projectId,
          requestedBy: claim.ownerId,
          owner: claim.owner,
          repo: claim.repo,
          githubRepositoryId: claim.githubRepositoryId,
          installationId: claim.installationId,
          settings: claim.settings,
        },
        { correlationId: claim.projectId },
      ),
    ]);
  }
}

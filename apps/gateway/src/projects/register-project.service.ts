import { ConflictException, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { createEnvelope, Events, ProjectSettings } from '@klepaas/contracts';
import type { GithubIdentity, Principal } from '@klepaas/auth';
import type { RepositoryPermission } from '@klepaas/github';
import { OutboxStore } from '@klepaas/persistence';
import type { ProjectView } from '@klepaas/read-model';
import { ProjectWebhookSecrets } from '../webhooks/project-webhook-secrets';
import { GithubLookup } from './github-lookup';
import { DEFAULT_SETTINGS, RegistrationInput } from './project-input';
import { ProjectViews, provisioningView } from './project-views';
import { RepositoryAccess, requireGithubIdentity } from './repository-access';
import { ClaimRaceError, NewClaim, RepositoryClaim, RepositoryClaims } from './repository-claims';
import { RepositoryTakeovers } from './repository-takeovers';

export interface RegistrationResult {
  /** 202 when a registration (or a new attempt after a failure) was requested; 200 for an existing project. */
  httpStatus: 200 | 202;
  /** `webhookSecret`: the repository hook's secret, in the answer that creates the project and never again. */
  project: ProjectView & { webhookSecret?: string };
}

/**
 * POST /projects: asks GitHub which installation covers the repository and whether the caller's
 * GitHub account may administer it, then claims it in one transaction with the
 * ProjectRegistrationRequested event. The same user again gets the existing project (a failed one
 * is provisioned again). Another user's claim yields only to a GitHub admin of the repository
 * (a takeover: the previous project is unregistered and the takeover recorded); anyone else gets 409.
 */
@Injectable()
export class RegisterProjectService {
  private readonly log = new Logger(RegisterProjectService.name);
  private readonly claims = new RepositoryClaims();
  private readonly takeovers = new RepositoryTakeovers();

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxStore,
    private readonly github: GithubLookup,
    private readonly access: RepositoryAccess,
    private readonly views: ProjectViews,
    private readonly secrets: ProjectWebhookSecrets,
  ) {}

  async register(caller: Principal, input: RegistrationInput): Promise<RegistrationResult> {
    const identity = requireGithubIdentity(caller);
    const { repository, installationId } = await this.github.repository(input.owner, input.repo);
    const permission = await this.access.require(identity, repository, installationId);
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
      registeredBy: identity,
    };
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.dataSource.transaction(async (manager) => {
          const existing = await this.claims.lock(manager, repository.id);
          if (existing && !existing.released) {
            if (existing.ownerId === caller.userId) return this.existing(manager, caller, existing);
            this.mayTakeOver(existing, identity, permission);
          }
          const projectId = randomUUID();
          const { secret, sealed } = this.secrets.issue(projectId);
          const claim: NewClaim = { ...wanted, projectId, sealedWebhookSecret: sealed };
          if (existing && !existing.released) await this.takeOver(manager, existing, claim);
          await this.claims.claim(manager, claim);
          await this.requestRegistration(manager, claim);
          this.log.log(
            `${repository.fullName} claimed by ${caller.userId} (GitHub ${identity.login}) as project ${projectId}`,
          );
          const view = provisioningView({ ...wanted, projectId, released: false, claimedAt: new Date().toISOString() });
          return { httpStatus: 202 as const, project: { ...view, webhookSecret: secret } };
        });
      } catch (error) {
        // Two registrations at the same moment: the loser starts over and finds the winner's claim.
        if (error instanceof ClaimRaceError && attempt < 2) continue;
        throw error;
      }
    }
  }

  /** Another user's repository yields only to someone GitHub says administers it. */
  private mayTakeOver(claim: RepositoryClaim, identity: GithubIdentity, permission: RepositoryPermission): void {
    if (permission === 'admin') return;
    throw new ConflictException(
      `${claim.owner}/${claim.repo} is already registered by another user; only an admin of the repository on GitHub ` +
        `can take it over (GitHub says ${identity.login} has ${permission})`,
    );
  }

  /**
   * The previous project is released, unregistered (its SourceCommit copy of the code deleted) and
   * no longer visible to its owner; the takeover is recorded for operators and in history.
   */
  private async takeOver(manager: EntityManager, previous: RepositoryClaim, claim: NewClaim): Promise<void> {
    await this.claims.release(manager, previous.projectId);
    await this.takeovers.record(manager, {
      githubRepositoryId: previous.githubRepositoryId,
      owner: claim.owner,
      repo: claim.repo,
      previousProjectId: previous.projectId,
      previousOwnerId: previous.ownerId,
      projectId: claim.projectId,
      ownerId: claim.ownerId,
      githubUserId: claim.registeredBy.id,
      githubLogin: claim.registeredBy.login,
    });
    await this.outbox.append(manager, [
      createEnvelope(
        Events.ProjectUnregistrationRequested,
        {
          projectId: previous.projectId,
          requestedBy: claim.ownerId,
          deleteRepository: true,
          reason: `taken over by GitHub admin ${claim.registeredBy.login} of ${claim.owner}/${claim.repo} as project ${claim.projectId}`,
        },
        { correlationId: previous.projectId },
      ),
    ]);
    this.log.warn(
      `${claim.owner}/${claim.repo}: project ${previous.projectId} of ${previous.ownerId} taken over by ` +
        `${claim.ownerId} (GitHub admin ${claim.registeredBy.login}) as project ${claim.projectId}`,
    );
  }

  private async existing(
    manager: EntityManager,
    caller: Principal,
    claim: RepositoryClaim,
  ): Promise<RegistrationResult> {
    const view = (await this.views.find(claim.projectId, caller.userId)) ?? provisioningView(claim);
    if (view.status !== 'failed') return { httpStatus: 200, project: view };
    // Asked again after a failure: provisioning resumes and completes only what is missing.
    await this.requestRegistration(manager, claim);
    return { httpStatus: 202, project: { ...view, status: 'provisioning' } };
  }

  private async requestRegistration(
    manager: EntityManager,
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

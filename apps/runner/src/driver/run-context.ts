import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KLEPAAS_CONFIG, KlepaasConfig, RunnerSettings } from '@klepaas/config';
import { NCP_CLIENTS, NcpClients } from '@klepaas/ncp';
import { OutboxStore } from '@klepaas/persistence';
import { RunnerProjectsRepository } from '../projects/runner-projects.repository';
import { FinishRun } from '../runs/finish-run';
import { RunsRepository } from '../runs/runs.repository';
import { DeployBranch } from './deploy-branch';

/** First-run guesses, before a project has durations of its own. */
export const DEFAULT_DURATIONS_MS = { build: 60_000, deploy: 30_000 };

/** What every step of the driver uses, in one injectable. */
@Injectable()
export class RunContext {
  readonly settings: RunnerSettings;

  constructor(
    readonly dataSource: DataSource,
    readonly runs: RunsRepository,
    readonly projects: RunnerProjectsRepository,
    readonly finisher: FinishRun,
    readonly outbox: OutboxStore,
    readonly deployBranch: DeployBranch,
    @Inject(NCP_CLIENTS) readonly ncp: NcpClients,
    @Inject(KLEPAAS_CONFIG) readonly config: KlepaasConfig,
  ) {
    this.settings = config.runner;
  }

  /** When a step entered now must be over, whatever NCP answers meanwhile. */
  deadline(step: 'mirror' | 'build' | 'deploy', from = new Date()): Date {
    return new Date(from.getTime() + this.settings.stepTimeoutsMs[step]);
  }

  /** `{registry host}/{image}:{tag}`: the reference manifests name (no scheme). */
  imageRef(imageName: string, tag: string): string {
    const host = (this.config.ncp.registry.url ?? '').replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
    return `${host}/${imageName}:${tag}`;
  }

  /** The image name and tag of an image reference (`host/name:tag`). */
  parseImage(image: string): { name: string; tag: string } {
    const withoutHost = image.slice(image.indexOf('/') + 1);
    const colon = withoutHost.lastIndexOf(':');
    return { name: withoutHost.slice(0, colon), tag: withoutHost.slice(colon + 1) };
  }
}

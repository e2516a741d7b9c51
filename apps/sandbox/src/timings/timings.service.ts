import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { ResetHooks } from '../common/reset-hooks';
import { ResolvedSandboxOptions, SANDBOX_OPTIONS } from '../config/sandbox-options';

const ms = z
  .number()
  .int()
  .min(0)
  .max(24 * 60 * 60 * 1000);

/** Body of PUT /_sandbox/timings: omitted fields keep their value; `projects` replaces the per-project map. */
export const timingsInput = z.object({
  buildMs: ms.optional(),
  deployMs: ms.optional(),
  /** Keyed by NCP project id or name: buildMs applies to the SourceBuild project, deployMs to the SourceDeploy one. */
  projects: z.record(z.string(), z.object({ buildMs: ms.optional(), deployMs: ms.optional() })).optional(),
});
export type TimingsInput = z.infer<typeof timingsInput>;

export interface Timings {
  buildMs: number;
  deployMs: number;
  projects: Record<string, { buildMs?: number; deployMs?: number }>;
}

/**
 * How long builds and deploys take. Benchmarks need builds of known length (and zero-length
 * ones), so per-project values override the defaults from the options.
 */
@Injectable()
export class TimingsService {
  private timings: Timings;

  constructor(
    @Inject(SANDBOX_OPTIONS) private readonly options: ResolvedSandboxOptions,
    resetHooks: ResetHooks,
  ) {
    this.timings = this.initial();
    resetHooks.register(() => {
      this.timings = this.initial();
    });
  }

  get(): Timings {
    return this.timings;
  }

  set(input: TimingsInput): Timings {
    this.timings = {
      buildMs: input.buildMs ?? this.timings.buildMs,
      deployMs: input.deployMs ?? this.timings.deployMs,
      projects: input.projects ?? this.timings.projects,
    };
    return this.timings;
  }

  buildMsFor(project: { id: number; name: string }): number {
    return this.forProject(project)?.buildMs ?? this.timings.buildMs;
  }

  deployMsFor(project: { id: number; name: string }): number {
    return this.forProject(project)?.deployMs ?? this.timings.deployMs;
  }

  private forProject(project: { id: number; name: string }) {
    return this.timings.projects[String(project.id)] ?? this.timings.projects[project.name];
  }

  private initial(): Timings {
    return { buildMs: this.options.buildMs, deployMs: this.options.deployMs, projects: {} };
  }
}

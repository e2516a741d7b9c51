import { ServiceQueues } from '@klepaas/contracts';
import type { ServiceDefinition } from '@klepaas/bootstrap';
import { RunnerModule } from './runner.module';

export const runnerService: ServiceDefinition = {
  name: 'runner',
  module: (config, logger) => RunnerModule.forRoot(config, logger),
  usesDatabase: true,
  consumesQueue: ServiceQueues.runner,
  // In order: a push must not be judged before the ProjectProvisioned published ahead of it.
  // Its handlers are short transactions; NCP is called by the driver, not by handlers.
  prefetch: 1,
};

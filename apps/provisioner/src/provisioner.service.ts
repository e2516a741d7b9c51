import { ServiceQueues } from '@klepaas/contracts';
import type { ServiceDefinition } from '@klepaas/bootstrap';
import { ProvisionerModule } from './provisioner.module';

export const provisionerService: ServiceDefinition = {
  name: 'provisioner',
  module: (config, logger) => ProvisionerModule.forRoot(config, logger),
  usesDatabase: true,
  consumesQueue: ServiceQueues.provisioner,
  // Each registration holds a pooled connection (its project lock) while NCP is called, and
  // needs another to store ids: a few at a time keep the pool (10) from running dry.
  prefetch: 4,
};

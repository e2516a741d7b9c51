import { ServiceQueues } from '@klepaas/contracts';
import type { ServiceDefinition } from '@klepaas/bootstrap';
import { ProvisionerModule } from './provisioner.module';

export const provisionerService: ServiceDefinition = {
  name: 'provisioner',
  module: (config, logger) => ProvisionerModule.forRoot(config, logger),
  usesDatabase: true,
  consumesQueue: ServiceQueues.provisioner,
};

import type { ServiceDefinition } from '@klepaas/bootstrap';
import { RunnerModule } from './runner.module';

export const runnerService: ServiceDefinition = {
  name: 'runner',
  module: (config, logger) => RunnerModule.forRoot(config, logger),
  usesDatabase: true,
};

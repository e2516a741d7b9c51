import type { ServiceDefinition } from '@klepaas/bootstrap';
import { MirrorModule } from './mirror.module';

export const mirrorService: ServiceDefinition = {
  name: 'mirror',
  module: (config, logger) => MirrorModule.forRoot(config, logger),
  usesDatabase: true,
};

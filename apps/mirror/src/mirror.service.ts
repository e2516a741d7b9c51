import { ServiceQueues } from '@klepaas/contracts';
import type { ServiceDefinition } from '@klepaas/bootstrap';
import { MirrorModule } from './mirror.module';
import type { MirrorOptions } from './mirror-settings';

/** The mirror as an app: its queue, no database. Tests make one with their own cache directory. */
export function createMirrorService(options: MirrorOptions = {}): ServiceDefinition {
  return {
    name: 'mirror',
    module: (config, logger) => MirrorModule.forRoot(config, logger, options),
    usesDatabase: false,
    consumesQueue: ServiceQueues.mirror,
  };
}

export const mirrorService = createMirrorService();

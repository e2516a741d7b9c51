import { ServiceQueues } from '@klepaas/contracts';
import type { ServiceDefinition } from '@klepaas/bootstrap';
import { HistoryModule } from './history.module';

export const historyService: ServiceDefinition = {
  name: 'history',
  module: (config, logger) => HistoryModule.forRoot(config, logger),
  usesDatabase: true,
  consumesQueue: ServiceQueues.history,
};

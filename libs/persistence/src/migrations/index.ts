import { Foundation1764000000000 } from './1764000000000-foundation';
import { Projects1764100000000 } from './1764100000000-projects';
import { RunReadModel1764200000000 } from './1764200000000-run-read-model';
import { Runner1764300000000 } from './1764300000000-runner';
import { DesiredState1765000000000 } from './1765000000000-desired-state';
import { Tenancy1765100000000 } from './1765100000000-tenancy';
import { TenancyPolicy1765200000000 } from './1765200000000-tenancy-policy';
import { CompatIds1765400000000 } from './1765400000000-compat-ids';
import { RunNotifications1765500000000 } from './1765500000000-run-notifications';
import { DeliveryStats1765600000000 } from './1765600000000-delivery-stats';

/** Every migration, in order. Webpack bundles each app, so they are listed, not globbed. */
export const MIGRATIONS = [
  Foundation1764000000000,
  Projects1764100000000,
  RunReadModel1764200000000,
  Runner1764300000000,
  DesiredState1765000000000,
  Tenancy1765100000000,
  TenancyPolicy1765200000000,
  CompatIds1765400000000,
  RunNotifications1765500000000,
  DeliveryStats1765600000000,
];

import { Foundation1764000000000 } from './1764000000000-foundation';
import { Projects1764100000000 } from './1764100000000-projects';

/** Every migration, in order. Webpack bundles each app, so they are listed, not globbed. */
export const MIGRATIONS = [Foundation1764000000000, Projects1764100000000];

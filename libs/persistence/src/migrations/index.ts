import { Foundation1764000000000 } from './1764000000000-foundation';

/** Every migration, in order. Webpack bundles each app, so they are listed, not globbed. */
export const MIGRATIONS = [Foundation1764000000000];

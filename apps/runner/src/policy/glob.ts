import { compileAutomaton, MatchResult, runAutomaton } from './glob-automaton';

/**
 * Path filters as users write them: `*` matches within one directory, `**` across directories,
 * `?` one character; a pattern without a slash matches that name anywhere (`*.md`); a pattern
 * ending in `/` matches everything under it (`docs/`).
 *
 * Patterns are tenant input, so they are never turned into a regular expression (a backtracking
 * engine takes exponential time on `**a**a**a…b`). Each is compiled into an automaton and run
 * over the path with the set of states it can be in, as a bit set (glob-automaton.ts): no
 * backtracking, and each character costs a few word operations per 32 characters of the
 * pattern, whatever either holds.
 */
export function matchesAny(path: string, patterns: string[]): boolean {
  return patterns.some((pattern) => compileGlob(pattern).test(path));
}

/** The outcome of checking a push's files against its filters within a budget of steps. */
export interface FilesVerdict {
  /** The first file that matched, or null. */
  matched: string | null;
  /** True when the budget ran out before every file was checked (nothing is known then). */
  exhausted: boolean;
  steps: number;
}

/** Enough for tens of thousands of ordinary paths; well under a second on one core. */
export const DEFAULT_FILES_BUDGET = 20_000_000;

/**
 * The first of `files` that some pattern matches, checking each distinct file once, and
 * stopping once `maxSteps` of work are spent: a push may list hundreds of thousands of files,
 * and the runner must not spend minutes on one tenant's push.
 */
export function firstMatchingFile(files: string[], patterns: string[], maxSteps = DEFAULT_FILES_BUDGET): FilesVerdict {
  const matchers = patterns.map(compileGlob);
  let steps = 0;
  for (const file of new Set(files)) {
    for (const matcher of matchers) {
      const result = matcher.run(file);
      steps += result.steps;
      if (result.matched) return { matched: file, exhausted: false, steps };
    }
    if (steps > maxSteps) return { matched: null, exhausted: true, steps };
  }
  return { matched: null, exhausted: false, steps };
}

export interface GlobMatcher {
  readonly pattern: string;
  test(path: string): boolean;
  /** The match and the work it took, for tests and benchmarks. */
  run(path: string): MatchResult;
}

/** Compiled patterns, most recently used last; bounded, because patterns come from tenants. */
const cache = new Map<string, GlobMatcher>();
const CACHE_LIMIT = 200;

export function compileGlob(pattern: string): GlobMatcher {
  const cached = cache.get(pattern);
  if (cached) {
    cache.delete(pattern);
    cache.set(pattern, cached);
    return cached;
  }
  let glob = pattern.replace(/^\.\//, '').replace(/^\//, '');
  if (glob.endsWith('/')) glob += '**';
  const automaton = compileAutomaton(glob, !glob.includes('/'));
  const matcher: GlobMatcher = {
    pattern,
    test: (path) => runAutomaton(automaton, path).matched,
    run: (path) => runAutomaton(automaton, path),
  };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(pattern, matcher);
  return matcher;
}

/**
 * Kept under its old name so callers compile unchanged: the result is no longer a RegExp but
 * has the `test` they called. New code should call `compileGlob`.
 * @deprecated
 */
export const globToRegExp = compileGlob;

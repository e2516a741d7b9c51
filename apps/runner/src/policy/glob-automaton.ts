/**
 * A path glob compiled to a small automaton (one state per character of the pattern, about),
 * run over a path with the set of states it can be in held as a bit set: each character of the
 * path costs a fixed number of word operations per 32 states, whatever the pattern and the
 * path hold. No backtracking, so a tenant's pattern cannot make a match slow.
 */

type Token =
  | { kind: 'literal'; char: number }
  /** `?`: any one character but `/`. */
  | { kind: 'one' }
  /** `*`: any run of characters but `/`. */
  | { kind: 'star' }
  /** `**`: any run of characters. */
  | { kind: 'any' }
  /** `**` then `/` (and, in front, a pattern without a slash): nothing, or anything ending with `/`. */
  | { kind: 'anyDirectory' };

const SLASH = 0x2f;

export interface GlobAutomaton {
  /** 32-bit words per set of states. */
  readonly words: number;
  /** The accepting state (the last). */
  readonly accept: number;
  /** States that read exactly this character: `words` words per ASCII code, then by code. */
  readonly ascii: Uint32Array;
  readonly literal: Map<number, Uint32Array>;
  /** States that read any character but `/`. */
  readonly one: Uint32Array;
  /** States that stay where they are on any character but `/`, or on any character. */
  readonly star: Uint32Array;
  readonly any: Uint32Array;
  /** States that also stand for the next state (they may match nothing), or for the one three on. */
  readonly skip1: Uint32Array;
  readonly skip3: Uint32Array;
  /** The set before any character is read. */
  readonly start: Uint32Array;
}

/** Work done by one match, in word operations over sets of states. */
export interface MatchResult {
  matched: boolean;
  steps: number;
}

/** Compiles a glob whose `./`, leading `/` and trailing `/` have already been normalised. */
export function compileAutomaton(glob: string, anywhere: boolean): GlobAutomaton {
  const states: Array<Token['kind'] | 'split'> = [];
  const chars: number[] = [];
  for (const token of tokens(glob, anywhere)) {
    if (token.kind === 'anyDirectory') {
      // split: on to `**`, or three states on (past the `/`) without reading anything.
      states.push('split', 'any', 'literal');
      chars.push(0, 0, SLASH);
    } else {
      states.push(token.kind);
      chars.push(token.kind === 'literal' ? token.char : 0);
    }
  }
  const accept = states.length;
  const words = Math.ceil((accept + 1) / 32);
  const mask = (test: (i: number) => boolean) => {
    const m = new Uint32Array(words);
    for (let i = 0; i < accept; i++) if (test(i)) m[i >>> 5] |= 1 << (i & 31);
    return m;
  };
  const ascii = new Uint32Array(128 * words);
  const literal = new Map<number, Uint32Array>();
  for (const char of new Set(chars.filter((_, i) => states[i] === 'literal'))) {
    const reads = mask((i) => states[i] === 'literal' && chars[i] === char);
    if (char < 128) ascii.set(reads, char * words);
    else literal.set(char, reads);
  }
  const automaton: GlobAutomaton = {
    words,
    accept,
    ascii,
    literal,
    one: mask((i) => states[i] === 'one'),
    star: mask((i) => states[i] === 'star'),
    any: mask((i) => states[i] === 'any'),
    skip1: mask((i) => states[i] === 'star' || states[i] === 'any' || states[i] === 'split'),
    skip3: mask((i) => states[i] === 'split'),
    start: new Uint32Array(words),
  };
  automaton.start[0] = 1;
  closeOver(automaton, automaton.start);
  return automaton;
}

/**
 * The pattern as tokens, with neighbours that match the same strings as one merged (`***` is
 * `**`; two directory wildcards in a row are one; a directory wildcard next to `**` is `**`):
 * fewer states, and no long chains of states that read nothing, so closing a set over them
 * takes a few rounds at most.
 */
function tokens(glob: string, anywhere: boolean): Token[] {
  const out: Token[] = [];
  const push = (token: Token) => {
    const last = out[out.length - 1]?.kind;
    const starry = (k: string | undefined) => k === 'star' || k === 'any';
    if (starry(token.kind) && starry(last)) {
      if (token.kind === 'any') out[out.length - 1] = token;
    } else if (token.kind === 'anyDirectory' && (last === 'anyDirectory' || last === 'any')) {
      // (ε | .*/) twice, or after .*, adds nothing.
    } else if (token.kind === 'any' && last === 'anyDirectory') {
      out.pop(); // (ε | .*/) .* is .*
      push(token);
    } else out.push(token);
  };
  if (anywhere) push({ kind: 'anyDirectory' });
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] === '*' && glob[i + 1] === '*') {
      const directory = glob[i + 2] === '/';
      push({ kind: directory ? 'anyDirectory' : 'any' });
      i += directory ? 2 : 1;
    } else if (glob[i] === '*') push({ kind: 'star' });
    else if (glob[i] === '?') push({ kind: 'one' });
    else push({ kind: 'literal', char: glob.charCodeAt(i) });
  }
  return out;
}

/** Runs the automaton over the whole path. */
export function runAutomaton(a: GlobAutomaton, path: string): MatchResult {
  const w = a.words;
  let current = Uint32Array.from(a.start);
  let next = new Uint32Array(w);
  let steps = 0;
  for (let p = 0; p < path.length; p++) {
    const c = path.charCodeAt(p);
    const literal = c < 128 ? a.ascii : a.literal.get(c);
    const base = c < 128 ? c * w : 0;
    const slash = c === SLASH;
    let carry = 0;
    let skipped = 0;
    let alive = 0;
    for (let i = 0; i < w; i++) {
      const reads = current[i] & ((literal ? literal[base + i] : 0) | (slash ? 0 : a.one[i]));
      const stays = current[i] & (a.any[i] | (slash ? 0 : a.star[i]));
      // This word after reading c, then closed over the states that read nothing (their moves
      // go forward only, so what leaves the top of a word is carried into the next one).
      let set = ((reads << 1) | carry | stays | skipped) >>> 0;
      for (;;) {
        steps++;
        const grown = (set | ((set & a.skip1[i]) << 1) | ((set & a.skip3[i]) << 3)) >>> 0;
        if (grown === set) break;
        set = grown;
      }
      carry = reads >>> 31;
      skipped = ((set & a.skip1[i]) >>> 31) | ((set & a.skip3[i]) >>> 29);
      next[i] = set;
      alive |= set;
    }
    if (!alive) return { matched: false, steps };
    [current, next] = [next, current];
  }
  return { matched: (current[a.accept >>> 5] & (1 << (a.accept & 31))) !== 0, steps };
}

/** Adds to `set` every state it reaches without reading (only the start needs this alone). */
function closeOver(a: GlobAutomaton, set: Uint32Array): void {
  let skipped = 0;
  for (let i = 0; i < a.words; i++) {
    let word = (set[i] | skipped) >>> 0;
    for (;;) {
      const grown = (word | ((word & a.skip1[i]) << 1) | ((word & a.skip3[i]) << 3)) >>> 0;
      if (grown === word) break;
      word = grown;
    }
    skipped = ((word & a.skip1[i]) >>> 31) | ((word & a.skip3[i]) >>> 29);
    set[i] = word;
  }
}

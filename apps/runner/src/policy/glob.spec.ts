import { compileGlob, DEFAULT_FILES_BUDGET, firstMatchingFile, matchesAny } from './glob';

describe('path filters', () => {
  it.each([
    ['src/**', 'src/app/main.ts', true],
    ['src/**', 'test/app.ts', false],
    ['src/*.ts', 'src/main.ts', true],
    ['src/*.ts', 'src/app/main.ts', false],
    ['*.md', 'docs/guide/intro.md', true],
    ['*.md', 'README.md', true],
    ['*.md', 'README.mdx', false],
    ['docs/', 'docs/a/b.txt', true],
    ['docs/', 'docs', false],
    ['docs/', 'other/docs/a.txt', false],
    ['./docs/', 'docs/a.txt', true],
    ['/src/*.ts', 'src/main.ts', true],
    ['**/Dockerfile', 'Dockerfile', true],
    ['**/Dockerfile', 'services/api/Dockerfile', true],
    ['**/Dockerfile', 'services/api/Dockerfile.dev', false],
    ['Dockerfile', 'services/api/Dockerfile', true],
    ['src/**/test/*.ts', 'src/test/a.ts', true],
    ['src/**/test/*.ts', 'src/a/b/test/a.ts', true],
    ['src/**/test/*.ts', 'src/atest/a.ts', false],
    ['src/**.ts', 'src/a/b.ts', true],
    ['k8s/deployment.yaml', 'k8s/deployment.yaml', true],
    ['k8s/deployment.yaml', 'k8s/deployment.yml', false],
    ['k8s/deployment.yaml', 'x/k8s/deployment.yaml', false],
    ['src/?.ts', 'src/a.ts', true],
    ['src/?.ts', 'src/ab.ts', false],
    ['a?b', 'a/b', false],
    ['a*b', 'a/b', false],
    ['a+b/(c)', 'a+b/(c)', true],
    ['a.b/[c]$', 'a.b/[c]$', true],
    ['a.b', 'axb', false],
    ['**', 'any/thing/at/all', true],
    ['***', 'a/b', true],
  ])('%s against %s is %s', (pattern, path, expected) => {
    expect(matchesAny(path, [pattern])).toBe(expected);
  });

  it('matches when any of several patterns does, and never with none', () => {
    expect(matchesAny('web/index.ts', ['api/**', 'web/**'])).toBe(true);
    expect(matchesAny('web/index.ts', ['api/**', '*.md'])).toBe(false);
    expect(matchesAny('web/index.ts', [])).toBe(false);
  });

  it('agrees with the regular expression it replaces on thousands of random short patterns', () => {
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const pick = (alphabet: string, max: number) =>
      Array.from({ length: random(max) + 1 }, () => alphabet[random(alphabet.length)]).join('');
    let compared = 0;
    for (let i = 0; i < 4000; i++) {
      const pattern = pick('ab/*?.', 8);
      const path = pick('ab/.', 10);
      expect([pattern, path, matchesAny(path, [pattern])]).toEqual([pattern, path, oldRegExp(pattern).test(path)]);
      compared++;
    }
    expect(compared).toBe(4000);
  });

  it('agrees with it on long patterns too, whose states span several words', () => {
    let seed = 3;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const letter = () => 'ab/'[random(3)];
    let matched = 0;
    for (let i = 0; i < 600; i++) {
      // 40-100 characters, a few wildcards; a path made from it, sometimes altered by one character.
      const parts = Array.from({ length: 40 + random(60) }, () =>
        random(12) === 0 ? ['*', '?', '**', '**/'][random(4)] : letter(),
      );
      const pattern = parts.join('');
      let path = parts
        .map((p) =>
          p === '*' ? 'ab'.slice(0, random(3)) : p === '?' ? 'a' : p.startsWith('**') ? 'a/b/'.slice(random(4)) : p,
        )
        .join('');
      if (random(3) === 0) {
        const at = random(path.length);
        path = path.slice(0, at) + letter() + path.slice(at + 1);
      }
      const expected = oldRegExp(pattern).test(path);
      expect([pattern, path, matchesAny(path, [pattern])]).toEqual([pattern, path, expected]);
      if (expected) matched++;
    }
    // Both answers occur, or the comparison would prove little.
    expect(matched).toBeGreaterThan(100);
    expect(matched).toBeLessThan(600);
  });
});

describe('path filters against hostile patterns', () => {
  // Shapes that make a backtracking engine explore exponentially many ways to split the path.
  const hostile = [
    '**a'.repeat(66) + 'b',
    '*a'.repeat(99) + 'b',
    '**/a'.repeat(50),
    '**a' + '?'.repeat(196) + 'c',
    'a*/'.repeat(66) + 'x',
    '*?'.repeat(100),
    '**/*'.repeat(50),
    '?**'.repeat(66) + 'z',
  ];
  const patterns = Array.from(
    { length: 50 },
    (_, i) => hostile[i % hostile.length].slice(0, 198) + 'X' + String(i % 10),
  );
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const files = Array.from({ length: 20 }, (_, i) =>
    i % 2
      ? 'a'.repeat(300)
      : Array.from({ length: 300 }, () => (random() < 0.48 ? 'a' : random() < 0.9 ? 'b' : '/')).join(''),
  );

  it('costs each match a few word operations per character and 32 pattern characters, never more', () => {
    for (const pattern of patterns) {
      const words = Math.ceil((pattern.length + 5) / 32);
      for (const file of files) {
        const { steps } = compileGlob(pattern).run(file);
        expect(steps).toBeLessThanOrEqual(file.length * words * 4);
      }
    }
  });

  it('checks 50 patterns of 200 characters against 20 long paths within a second, where a regex takes hours', () => {
    const started = process.hrtime.bigint();
    const verdict = firstMatchingFile(files, patterns, Number.MAX_SAFE_INTEGER);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    expect(verdict.exhausted).toBe(false);
    expect(verdict.steps).toBeLessThan(50 * 20 * 300 * 7 * 4);
    // A generous bound (the machine is shared): the point is seconds versus hours.
    expect(ms).toBeLessThan(1000);
  });

  it('gives up on a push once its budget of steps is spent, saying so, instead of running on', () => {
    const many = Array.from({ length: 5000 }, (_, i) => `${'a'.repeat(300)}${i}`);
    const verdict = firstMatchingFile(many, patterns, 1_000_000);
    expect(verdict).toMatchObject({ matched: null, exhausted: true });
    // It stops after the file that crossed the budget: at most one file's worth beyond it.
    expect(verdict.steps).toBeLessThan(1_000_000 + 50 * 310 * 7 * 4);
    expect(DEFAULT_FILES_BUDGET).toBeGreaterThan(1_000_000);
  });

  it('finds the file that matches among many, checking each distinct file once', () => {
    const files = [...Array.from({ length: 1000 }, () => 'src/same.ts'), 'docs/readme.md'];
    const verdict = firstMatchingFile(files, ['*.md']);
    expect(verdict).toMatchObject({ matched: 'docs/readme.md', exhausted: false });
    expect(verdict.steps).toBeLessThan(200);
  });
});

/** The matcher this one replaced (regular expressions), as the reference for the semantics. */
function oldRegExp(pattern: string): RegExp {
  let glob = pattern.replace(/^\.\//, '').replace(/^\//, '');
  if (glob.endsWith('/')) glob += '**';
  const anywhere = !glob.includes('/');
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      source += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${anywhere ? '(?:.*/)?' : ''}${source}$`);
}

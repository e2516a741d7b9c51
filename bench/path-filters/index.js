#!/usr/bin/env node
// Path filters: the runner's glob matcher (apps/runner/src/policy/glob.ts, transpiled from the
// source at run time) against the regular expressions it replaced (copied below), on the same
// patterns and paths:
//
//   the case   one 37-character pattern (`**a` × 12, then `b`) against one 40-character name
//   hostile            50 patterns of 200 characters in eight shapes that make a backtracking
//                      engine explode, against 20 paths of 300 characters
//   no cache helps     50 patterns `**a` + 196 `?` (the set of states differs at almost every
//                      character) against 100 random paths of 1 000 characters: the worst case
//                      per character, then the same push through firstMatchingFile's default budget
//   ordinary           50 ordinary patterns against 3 000 ordinary paths, none matching
//
// The old matcher cannot be interrupted inside RegExp.test, so it runs in a worker thread that
// is terminated after `--limit` seconds (default 10); the figure is then "> limit".
//
//   node bench/path-filters [--limit 10]
const { Worker } = require('node:worker_threads');
const { ms, table, parseArgs, loadAverage } = require('../lib/stats');

const args = parseArgs();
const LIMIT_MS = Number(args.limit ?? 10) * 1000;

/** The matcher before: each glob turned into a RegExp (commit 6b66881, apps/runner/src/policy/glob.ts). */
const OLD_MATCHER = `
function oldRegExp(pattern) {
  let glob = pattern.replace(/^\\.\\//, '').replace(/^\\//, '');
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
    else source += c.replace(/[.+^\${}()|[\\]\\\\]/g, '\\\\$&');
  }
  return new RegExp('^' + (anywhere ? '(?:.*/)?' : '') + source + '$');
}`;

/** Runs the old matcher over every (file, pattern) pair in a worker; null when it hit the limit. */
function oldMatcher(files, patterns) {
  const code = `${OLD_MATCHER}
    const { parentPort, workerData } = require('node:worker_threads');
    const started = process.hrtime.bigint();
    let matched = 0;
    for (const file of workerData.files) for (const p of workerData.patterns) if (oldRegExp(p).test(file)) matched++;
    parentPort.postMessage({ ms: Number(process.hrtime.bigint() - started) / 1e6, matched });`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { files, patterns } });
    const timer = setTimeout(() => worker.terminate().then(() => resolve(null)), LIMIT_MS);
    worker.once('message', (m) => {
      clearTimeout(timer);
      worker.terminate().then(() => resolve(m));
    });
    worker.once('error', reject);
  });
}

function newMatcher(glob, files, patterns) {
  const started = process.hrtime.bigint();
  let matched = 0;
  let steps = 0;
  for (const file of files)
    for (const p of patterns) {
      const r = glob.compileGlob(p).run(file);
      steps += r.steps;
      if (r.matched) matched++;
    }
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, matched, steps };
}

/** glob.ts and its sibling, transpiled to CommonJS and loaded from memory. */
function loadGlob() {
  const ts = require('typescript');
  const fs = require('node:fs');
  const path = require('node:path');
  const Module = require('node:module');
  const load = (file) => {
    const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const mod = new Module(file);
    mod.require = (id) => (id.startsWith('.') ? load(path.resolve(path.dirname(file), `${id}.ts`)) : require(id));
    mod._compile(js, file);
    return mod.exports;
  };
  return load(path.join(__dirname, '../../apps/runner/src/policy/glob.ts'));
}

function cases() {
  let seed = 11;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const hostileShapes = [
    '**a'.repeat(66) + 'b',
    '*a'.repeat(99) + 'b',
    '**/a'.repeat(50),
    '**a' + '?'.repeat(196) + 'c',
    'a*/'.repeat(66) + 'x',
    '*?'.repeat(100),
    '**/*'.repeat(50),
    '?**'.repeat(66) + 'z',
  ];
  const hostile = Array.from({ length: 50 }, (_, i) => hostileShapes[i % 8].slice(0, 198) + 'X' + (i % 10));
  const hostileFiles = Array.from({ length: 20 }, (_, i) =>
    i % 2
      ? 'a'.repeat(300)
      : Array.from({ length: 300 }, () => (random() < 0.48 ? 'a' : random() < 0.9 ? 'b' : '/')).join(''),
  );
  const noCache = Array.from({ length: 50 }, (_, i) => '**a' + '?'.repeat(196) + String(i % 10));
  const noCacheFiles = Array.from({ length: 100 }, () =>
    Array.from({ length: 1000 }, () => (random() < 0.5 ? 'a' : 'b')).join(''),
  );
  const ordinary = Array.from(
    { length: 50 },
    (_, i) => [`services/svc${i}/**`, `*.md`, `docs/`, `src/**/*.go`][i % 4] + (i < 4 ? '' : i),
  );
  const ordinaryFiles = Array.from(
    { length: 3000 },
    (_, i) => `packages/pkg${i % 40}/src/module${i}/component${i}.test.tsx`,
  );
  return [
    ["the issue's case: 1 × 37 chars, 1 × 40 chars", ['**a'.repeat(12) + 'b'], ['a'.repeat(40)]],
    ['hostile: 50 × 200 chars, 20 × 300 chars', hostile, hostileFiles],
    ['no cache helps: 50 × 200 chars, 100 × 1 000 chars', noCache, noCacheFiles],
    ['ordinary: 50 patterns, 3 000 paths', ordinary, ordinaryFiles],
  ];
}

(async () => {
  const glob = loadGlob();
  console.log(`path filters, load average ${loadAverage()}, old matcher stopped after ${LIMIT_MS / 1000} s\n`);
  const rows = [['case', 'old (RegExp)', 'new', 'new: steps', 'new: ns per char and pattern']];
  for (const [name, patterns, files] of cases()) {
    const before = await oldMatcher(files, patterns);
    newMatcher(glob, files.slice(0, 1), patterns); // compile once, as a runner that has seen them
    const after = newMatcher(glob, files, patterns);
    if (before && before.matched !== after.matched)
      throw new Error(`${name}: old ${before.matched} vs new ${after.matched} matches`);
    const chars = files.reduce((n, f) => n + f.length, 0) * patterns.length;
    rows.push([
      name,
      before ? ms(before.ms) : `> ${LIMIT_MS / 1000} s`,
      `${after.ms.toFixed(1)} ms`,
      after.steps.toLocaleString('en'),
      ((after.ms * 1e6) / chars).toFixed(1),
    ]);
  }
  console.log(table(rows));

  const [, noCache, noCacheFiles] = cases()[2];
  const many = Array.from({ length: 50 }, (_, i) => noCacheFiles.map((f) => `${i}${f}`)).flat();
  const started = process.hrtime.bigint();
  const verdict = glob.firstMatchingFile(many, noCache);
  const spent = Number(process.hrtime.bigint() - started) / 1e6;
  console.log(
    `\nfirstMatchingFile, no cache helps, ${many.length.toLocaleString('en')} files of 1 000 chars, default budget ` +
      `${glob.DEFAULT_FILES_BUDGET.toLocaleString('en')} steps: exhausted=${verdict.exhausted} after ` +
      `${verdict.steps.toLocaleString('en')} steps in ${spent.toFixed(0)} ms`,
  );
})().catch((error) => {
  console.error(error);
  process.exit(1);
});

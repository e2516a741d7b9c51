// Real git against the sandbox's hosting. Credentials travel as an http.extraHeader given
// through GIT_CONFIG_* variables of the one command: never in a URL or a repository's config.
const { execFile } = require('node:child_process');
const { mkdtemp, mkdir, rm, writeFile } = require('node:fs/promises');
const { dirname, join } = require('node:path');

function gitEnv(auth) {
  const env = {
    ...process.env,
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Bench',
    GIT_AUTHOR_EMAIL: 'bench@sandbox.invalid',
    GIT_COMMITTER_NAME: 'Bench',
    GIT_COMMITTER_EMAIL: 'bench@sandbox.invalid',
  };
  if (auth) {
    env.GIT_CONFIG_COUNT = '1';
    env.GIT_CONFIG_KEY_0 = 'http.extraHeader';
    env.GIT_CONFIG_VALUE_0 = `Authorization: Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  }
  return env;
}

function git(args, { cwd, auth } = {}) {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env: gitEnv(auth), maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`git ${args[0]} failed: ${stderr || error.message}`));
      else resolve(stdout.trim());
    });
  });
}

/**
 * Commits `files` on top of what `branch` holds (or as its first commit) and pushes it; returns
 * the new commit's sha. `workDir` is a scratch directory (inside the benchmark's temp dir).
 */
async function pushFiles(url, auth, branch, files, message, workDir) {
  await mkdir(workDir, { recursive: true });
  const dir = await mkdtemp(join(workDir, 'push-'));
  try {
    await git(['init', '--quiet', `--initial-branch=${branch}`, dir]);
    const exists = (await git(['ls-remote', '--heads', url, branch], { auth })) !== '';
    if (exists) {
      await git(['fetch', '--quiet', url, branch], { cwd: dir, auth });
      await git(['reset', '--quiet', '--hard', 'FETCH_HEAD'], { cwd: dir });
    }
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    await git(['add', '--all'], { cwd: dir });
    await git(['commit', '--quiet', '--allow-empty', '-m', message], { cwd: dir });
    await git(['push', '--quiet', url, `HEAD:refs/heads/${branch}`], { cwd: dir, auth });
    return await git(['rev-parse', 'HEAD'], { cwd: dir });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

module.exports = { git, pushFiles };

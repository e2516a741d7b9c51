// The floor of a mirror job: plain `git` doing the same clone, edit of the image line, commit
// and push from the sandbox's GitHub to a fresh SourceCommit repository, per project.
const fs = require('node:fs');
const path = require('node:path');
const { git } = require('./git');

/**
 * Milliseconds per project, `concurrency` at a time (1: one after another; the project count:
 * all at once). The SourceCommit repositories are made first, outside the timing.
 */
async function plainGitDeploys(sys, projects, label, concurrency) {
  const github = { username: 'x-access-token', password: sys.secrets.githubAdminToken };
  const sourceCommit = { username: sys.secrets.gitUsername, password: sys.secrets.gitPassword };
  const targets = [];
  for (const [i, p] of projects.entries()) {
    const name = `floor-${label}-${i + 1}`;
    await sys.ncp('sourcecommit', 'POST', '/api/v1/repository', { name });
    const detail = await sys.ncp('sourcecommit', 'GET', `/api/v1/repository/${name}`);
    targets.push({ project: p, url: detail.git.https, i });
  }
  const once = async ({ project, url, i }) => {
    const dir = path.join(sys.dirs.work, `floor-${label}-${i}`);
    const started = process.hrtime.bigint();
    await git(['clone', '--quiet', project.repo.cloneUrl, dir], { auth: github });
    const file = path.join(dir, 'k8s/deployment.yaml');
    const head = await git(['rev-parse', 'HEAD'], { cwd: dir });
    const image = `${new URL(sys.sandboxUrl).host}/${project.app}:${head.slice(0, 7)}`;
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/^(\s*image:) \S+/m, `$1 ${image}`));
    await git(['commit', '--quiet', '-a', '-m', `deploy ${image}`], { cwd: dir });
    await git(['push', '--quiet', url, 'HEAD:refs/heads/klepaas-deploy'], { cwd: dir, auth: sourceCommit });
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    fs.rmSync(dir, { recursive: true, force: true });
    return elapsed;
  };
  const results = [];
  const queue = [...targets];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      while (queue.length) results.push(await once(queue.shift()));
    }),
  );
  return results;
}

module.exports = { plainGitDeploys };

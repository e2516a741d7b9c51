import type { NcpClients } from '@klepaas/ncp';
import type { IsolatedInfra } from '@klepaas/testing';
import { pollUntil } from '@klepaas/testing';
import { postJson, sendJson, tokenFor } from '../../../test/support/http';
import { addFault, clearFaults, createGithubRepository, RunningSandbox } from '../../../test/support/sandbox';
import type { StartedService } from '../../../test/support/services';
import { query } from '../../../test/support/database';
import { git, pushFiles } from '../../sandbox/test/support/git';
import { projectSuffix } from '../src/projects/project-names';
import { named, RegistrationSystem, startRegistrationSystem } from './support/registration-system';

describe('names never reused: a project meets only the NCP resources it created', () => {
  let infra: IsolatedInfra;
  let sandbox: RunningSandbox;
  let system: RegistrationSystem;
  let gateway: StartedService;
  let ncp: NcpClients;
  const alice = tokenFor('alice');
  const bob = tokenFor('bob');

  beforeAll(async () => {
    system = await startRegistrationSystem();
    ({ infra, sandbox, gateway, ncp } = system);
  });

  afterAll(() => system?.close());

  const project = (id: string, token = alice) => system.project(id, token);
  const untilStatus = (id: string, status: string, token = alice) => system.untilStatus(id, status, token);

  it('gives a repository registered again after unregistering fresh resources, and none of the old source', async () => {
    await createGithubRepository(sandbox, 'acme', 'reborn');
    const first = (await postJson(`${gateway.url}/api/v1/projects`, { owner: 'acme', repo: 'reborn' }, alice)).body;
    const old = (await untilStatus(first.id, 'ready')).body;
    // What the old project deployed: its SourceCommit repository holds source and manifest.
    const auth = { username: sandbox.options.sourceCommitUsername, password: sandbox.options.sourceCommitPassword };
    const oldUrl = (await ncp.sourceCommit.getRepository(old.ncp.sourceCommitRepository)).git!.https!;
    await pushFiles(oldUrl, auth, 'klepaas-deploy', { 'k8s/deployment.yaml': 'old manifest\n', 'secret.txt': 'old\n' });
    // Unregistered keeping the repository: the most there can be left behind.
    const kept = await sendJson(
      'DELETE',
      `${gateway.url}/api/v1/projects/${first.id}?keepRepository=true`,
      undefined,
      alice,
    );
    expect(kept.status).toBe(202);
    const gone = (await untilStatus(first.id, 'deleted')).body;
    expect(gone.unregistration.kept[0]).toBe(
      `SourceCommit repository ${old.ncp.sourceCommitRepository} (kept as asked)`,
    );

    // Registered again (by someone else): a new project with names of its own.
    const second = (await postJson(`${gateway.url}/api/v1/projects`, { owner: 'acme', repo: 'reborn' }, bob)).body;
    expect(second.id).not.toBe(first.id);
    const fresh = (await untilStatus(second.id, 'ready', bob)).body;
    expect(fresh.ncp.sourceCommitRepository).not.toBe(old.ncp.sourceCommitRepository);
    expect(fresh.namespace).not.toBe(old.namespace);
    for (const key of ['sourceBuildProjectId', 'sourceDeployProjectId', 'sourcePipelineId']) {
      expect(fresh.ncp[key]).not.toBe(old.ncp[key]);
    }
    const [oldRow, newRow] = await Promise.all(
      [first.id, second.id].map(
        async (id) => (await query(infra.databaseUrl, `SELECT * FROM projects WHERE id = $1`, [id]))[0],
      ),
    );
    expect(newRow.image_name).not.toBe(oldRow.image_name);
    expect(newRow.image_name).toBe(`acme-reborn-${projectSuffix(second.id)}`);
    // The new repository is empty: none of the old source, while the kept one still has it.
    const newUrl = (await ncp.sourceCommit.getRepository(fresh.ncp.sourceCommitRepository)).git!.https!;
    expect(await git(['ls-remote', newUrl], { auth })).toBe('');
    expect(await git(['ls-remote', '--heads', oldUrl], { auth })).toContain('refs/heads/klepaas-deploy');
  });

  it('does not adopt a resource under its name that it did not create, and fails saying so', async () => {
    await createGithubRepository(sandbox, 'acme', 'squatted');
    // SourceDeploy lookups fail: provisioning stops before the deploy project is even asked for.
    await addFault(sandbox, { party: 'sourcedeploy', effect: 'status', status: 500, times: 100, method: 'GET' });
    const { body } = await postJson(`${gateway.url}/api/v1/projects`, { owner: 'acme', repo: 'squatted' }, alice);
    await untilStatus(body.id, 'failed');
    await clearFaults(sandbox);
    // Someone else makes a SourceDeploy project under the project's name.
    const [row] = await query(infra.databaseUrl, `SELECT sourcedeploy_project_name FROM projects WHERE id = $1`, [
      body.id,
    ]);
    const squatter = await ncp.sourceDeploy.createProject(row.sourcedeploy_project_name);

    await postJson(`${gateway.url}/api/v1/projects`, { owner: 'acme', repo: 'squatted' }, alice);
    const failed = await pollUntil(
      () => project(body.id),
      (r) => r.body.status === 'failed' && /not created by this project/.test(r.body.reason ?? ''),
      { timeoutMs: 30_000, description: 'failed again, naming the squatted name' },
    );
    expect(failed.body.reason).toContain(
      `SourceDeploy project "${row.sourcedeploy_project_name}" already exists in NCP`,
    );
    // It is left as it was: one project of that name, the squatter's, with nothing of ours in it.
    expect(named(await ncp.sourceDeploy.listProjects(), row.sourcedeploy_project_name)).toEqual([
      expect.objectContaining({ id: squatter.id }),
    ]);
    expect(await ncp.sourceDeploy.listStages(squatter.id)).toHaveLength(0);
    const [after] = await query(infra.databaseUrl, `SELECT sourcedeploy_project_id FROM projects WHERE id = $1`, [
      body.id,
    ]);
    expect(after.sourcedeploy_project_id).toBeNull();
  });

  it('gives two repositories whose names would meet (a-b/c and a/b-c) different NCP names', async () => {
    await createGithubRepository(sandbox, 'a-b', 'c');
    await createGithubRepository(sandbox, 'a', 'b-c');
    const first = await postJson(`${gateway.url}/api/v1/projects`, { owner: 'a-b', repo: 'c' }, alice);
    const second = await postJson(`${gateway.url}/api/v1/projects`, { owner: 'a', repo: 'b-c' }, alice);
    const [one, two] = [
      (await untilStatus(first.body.id, 'ready')).body,
      (await untilStatus(second.body.id, 'ready')).body,
    ];
    // Each its own suffix: projectSuffix(id), or a salted one when the two registrations raced
    // for the plain image name and the loser tried again (register-project.ts).
    const suffixes = (id: string) => [0, 1, 2].map((salt) => `a-b-c-${projectSuffix(id, salt)}`);
    expect(suffixes(first.body.id)).toContain(one.ncp.sourceCommitRepository);
    expect(suffixes(second.body.id)).toContain(two.ncp.sourceCommitRepository);
    expect(one.namespace).not.toBe(two.namespace);
    for (const key of Object.keys(one.ncp)) expect(one.ncp[key]).not.toBe(two.ncp[key]);
    // The image name: the first keeps the plain one, the second gets its suffix.
    const images = await query(infra.databaseUrl, `SELECT id, image_name FROM projects WHERE id = ANY($1)`, [
      [first.body.id, second.body.id],
    ]);
    expect(new Set(images.map((r) => r.image_name)).size).toBe(2);
    expect(images.map((r) => r.image_name)).toContain('a-b-c');
  });
});

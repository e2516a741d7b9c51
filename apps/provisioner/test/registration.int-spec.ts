import type { NcpClients } from '@klepaas/ncp';
import type { IsolatedInfra } from '@klepaas/testing';
import { pollUntil } from '@klepaas/testing';
import { mintToken } from '@klepaas/auth';
import { getJson, postJson, sendJson, tokenFor } from '../../../test/support/http';
import {
  addFault,
  clearFaults,
  createGithubRepository,
  createGithubUser,
  RunningSandbox,
} from '../../../test/support/sandbox';
import { StartedService, TEST_SECRETS } from '../../../test/support/services';
import { sendWebhook } from '../../../test/support/webhooks';
import { query } from '../../../test/support/database';
import { projectSuffix } from '../src/projects/project-names';
import { named, RegistrationSystem, startRegistrationSystem } from './support/registration-system';

describe('registering a repository', () => {
  let infra: IsolatedInfra;
  let sandbox: RunningSandbox;
  let system: RegistrationSystem;
  let gateway: StartedService;
  let ncp: NcpClients;
  const alice = tokenFor('alice');
  // bob is a GitHub user with no access to acme's repositories unless a test grants it.
  let bob: string;

  beforeAll(async () => {
    system = await startRegistrationSystem();
    ({ infra, sandbox, gateway, ncp } = system);
    bob = tokenFor('bob', [], await createGithubUser(sandbox, 'bob-gh'));
  });

  afterAll(() => system?.close());

  const project = (id: string, token = alice) => system.project(id, token);
  const untilStatus = (id: string, status: string, token = alice) => system.untilStatus(id, status, token);

  it('ends ready with every NCP id, and the sandbox holds exactly one of each resource', async () => {
    await createGithubRepository(sandbox, 'acme', 'Web-App');
    const res = await postJson(
      `${gateway.url}/api/v1/projects`,
      { owner: 'acme', repo: 'Web-App', replicas: 2 },
      alice,
    );
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      owner: 'acme',
      repo: 'Web-App',
      status: 'provisioning',
      branch: 'main',
      replicas: 2,
    });
    // Never a 404 right after the 202.
    expect((await project(res.body.id)).body.status).toMatch(/provisioning|ready/);

    const ready = (await untilStatus(res.body.id, 'ready')).body;
    // Every name carries the project's own suffix (a hash of its id), the image name only when taken.
    const suffix = projectSuffix(res.body.id);
    const name = `acme-web-app-${suffix}`;
    expect(ready.ncp).toEqual({
      sourceCommitRepository: name,
      sourceBuildProjectId: expect.any(String),
      sourceDeployProjectId: expect.any(String),
      sourceDeployStageId: expect.any(String),
      sourceDeployScenarioId: expect.any(String),
      sourcePipelineId: expect.any(String),
    });
    expect(ready.namespace).toBe(name);
    expect(ready.podSecurity).toBe('baseline');

    expect(named(await ncp.sourceCommit.listRepositories(), name)).toHaveLength(1);
    expect(named(await ncp.sourceBuild.listProjects(), name)).toHaveLength(1);
    expect(named(await ncp.sourceDeploy.listProjects(), name)).toHaveLength(1);
    const deployProjectId = Number(ready.ncp.sourceDeployProjectId);
    expect(await ncp.sourceDeploy.listStages(deployProjectId)).toHaveLength(1);
    expect(await ncp.sourceDeploy.listScenarios(deployProjectId, Number(ready.ncp.sourceDeployStageId))).toHaveLength(
      1,
    );
    expect(named(await ncp.sourcePipeline.listPipelines(), name)).toHaveLength(1);

    const build = await ncp.sourceBuild.getProject(Number(ready.ncp.sourceBuildProjectId));
    expect(build.source).toEqual({
      type: 'SourceCommit',
      config: { repository: name, branch: 'klepaas-deploy' },
    });
    expect(build.cmd?.dockerbuild).toMatchObject({ use: true, registry: 'klepaas-sandbox', image: 'acme-web-app' });
    const pipeline = await ncp.sourcePipeline.getPipeline(Number(ready.ncp.sourcePipelineId));
    expect((pipeline.tasks ?? []).map((t: any) => [t.type, t.linkedTasks])).toEqual([
      ['SourceBuild', []],
      ['SourceDeploy', ['build']],
    ]);
  });

  it('ends failed naming the SourceDeploy step and NCP error, and asking again completes it without duplicates', async () => {
    await createGithubRepository(sandbox, 'acme', 'api');
    await addFault(sandbox, { party: 'sourcedeploy', effect: 'status', status: 400, times: 100, method: 'POST' });
    const res = await postJson(`${gateway.url}/api/v1/projects`, { owner: 'acme', repo: 'api' }, alice);
    expect(res.status).toBe(202);
    const failed = (await untilStatus(res.body.id, 'failed')).body;
    expect(failed.reason).toMatch(/^sourcedeploy: .*400/);

    await clearFaults(sandbox);
    const again = await postJson(`${gateway.url}/api/v1/projects`, { owner: 'acme', repo: 'api' }, alice);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(res.body.id);
    await untilStatus(res.body.id, 'ready');
    // The deploy project a refused create may have made was the project's to adopt: it said it was creating it.
    const name = `acme-api-${projectSuffix(res.body.id)}`;
    expect(named(await ncp.sourceCommit.listRepositories(), name)).toHaveLength(1);
    expect(named(await ncp.sourceBuild.listProjects(), name)).toHaveLength(1);
    expect(named(await ncp.sourceDeploy.listProjects(), name)).toHaveLength(1);
  });

  it('makes one project of two registrations at the same moment, and refuses a user who cannot administer it', async () => {
    await createGithubRepository(sandbox, 'acme', 'twice');
    const both = await Promise.all(
      [1, 2].map(() => postJson(`${gateway.url}/api/v1/projects`, { owner: 'acme', repo: 'twice' }, alice)),
    );
    expect(both.map((r) => r.status).sort()).toEqual([200, 202]);
    expect(both[0].body.id).toBe(both[1].body.id);
    const other = await postJson(`${gateway.url}/api/v1/projects`, { owner: 'acme', repo: 'twice' }, bob);
    expect(other.status).toBe(403);
    expect(other.body.message).toMatch(/needs admin permission on it; GitHub says bob-gh has none/);
    const list = await getJson(`${gateway.url}/api/v1/projects`, alice);
    expect(list.body.items.filter((p: any) => p.repo === 'twice')).toHaveLength(1);
  });

  it('refuses a repository no installation of the App covers, and changes nothing', async () => {
    await createGithubRepository(sandbox, 'acme', 'not-installed', { installed: false });
    const res = await postJson(`${gateway.url}/api/v1/projects`, { owner: 'acme', repo: 'not-installed' }, alice);
    expect(res.status).toBe(422);
    expect(res.body.message).toMatch(/GitHub App is not installed on acme\/not-installed/);
    const list = await getJson(`${gateway.url}/api/v1/projects`, alice);
    expect(list.body.items.some((p: any) => p.repo === 'not-installed')).toBe(false);
  });

  it("answers 400 naming each bad field, and ignores the seed client's user_id", async () => {
    const bad = await postJson(
      `${gateway.url}/api/v1/projects`,
      { owner: '-bad-', repo: 'x', branch: 'a..b', replicas: 99 },
      alice,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message.join('\n')).toMatch(/owner: .*\n[\s\S]*branch: [\s\S]*replicas: /);
    await createGithubRepository(sandbox, 'acme', 'seed-form');
    const seed = await postJson(
      `${gateway.url}/api/v1/ncp/pipeline/create`,
      { owner: 'acme', repo: 'seed-form', user_id: 'bob' },
      alice,
    );
    expect(seed.status).toBe(202);
    expect((await project(seed.body.id, alice)).status).toBe(200);
    expect((await project(seed.body.id, bob)).status).toBe(404);
  });

  it('lets no other user see or change a project, and refuses missing or expired tokens', async () => {
    await createGithubRepository(sandbox, 'acme', 'private-one');
    const { body } = await postJson(`${gateway.url}/api/v1/projects`, { owner: 'acme', repo: 'private-one' }, alice);
    await untilStatus(body.id, 'ready');
    expect((await project(body.id, bob)).status).toBe(404);
    expect((await sendJson('PATCH', `${gateway.url}/api/v1/projects/${body.id}`, { replicas: 3 }, bob)).status).toBe(
      404,
    );
    expect((await sendJson('DELETE', `${gateway.url}/api/v1/projects/${body.id}`, undefined, bob)).status).toBe(404);
    expect((await getJson(`${gateway.url}/api/v1/projects/${body.id}`)).status).toBe(401);
    const expired = mintToken(TEST_SECRETS.jwt, { userId: 'alice' }, { expiresInSeconds: -10 });
    const res = await getJson(`${gateway.url}/api/v1/projects/${body.id}`, expired);
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/expired/);
    expect((await getJson(`${gateway.url}/api/v1/projects`, bob)).body.items.some((p: any) => p.id === body.id)).toBe(
      false,
    );
  });

  it('applies settings changes, and unregistering removes what provisioning created', async () => {
    await createGithubRepository(sandbox, 'acme', 'short-lived');
    const { body } = await postJson(`${gateway.url}/api/v1/projects`, { owner: 'acme', repo: 'short-lived' }, alice);
    const ready = (await untilStatus(body.id, 'ready')).body;
    const patched = await sendJson(
      'PATCH',
      `${gateway.url}/api/v1/projects/${body.id}`,
      { replicas: 3, paths: ['src/**'] },
      alice,
    );
    expect(patched.status).toBe(202);
    await pollUntil(
      () => project(body.id),
      (r) => r.body.replicas === 3 && r.body.paths[0] === 'src/**',
    );

    const deleted = await sendJson('DELETE', `${gateway.url}/api/v1/projects/${body.id}`, undefined, alice);
    expect(deleted).toMatchObject({ status: 202, body: { status: 'deleting' } });
    const gone = (await untilStatus(body.id, 'deleted')).body;
    const name = ready.ncp.sourceCommitRepository;
    expect(named(await ncp.sourceBuild.listProjects(), name)).toHaveLength(0);
    expect(named(await ncp.sourceDeploy.listProjects(), name)).toHaveLength(0);
    expect(named(await ncp.sourcePipeline.listPipelines(), name)).toHaveLength(0);
    // The SourceCommit repository goes too, unless the user asks to keep it.
    expect(named(await ncp.sourceCommit.listRepositories(), name)).toHaveLength(0);
    // The answer says what was removed and what is left on the cluster.
    expect(gone.unregistration.removed).toEqual([
      `SourcePipeline ${name}`,
      `SourceDeploy scenario of ${name}`,
      `SourceDeploy stage of ${name}`,
      `SourceDeploy project ${name}`,
      `SourceBuild project ${name}`,
      `SourceCommit repository ${name}`,
    ]);
    expect(gone.unregistration.kept).toEqual([
      `namespace ${ready.namespace} and whatever was deployed in it (SourceDeploy cannot delete workloads)`,
      'images acme-short-lived:* in the container registry',
    ]);
    const bad = await sendJson(
      'DELETE',
      `${gateway.url}/api/v1/projects/${body.id}?keepRepository=maybe`,
      undefined,
      alice,
    );
    expect(bad.status).toBe(400);
    const old = await sendJson(
      'DELETE',
      `${gateway.url}/api/v1/projects/${body.id}?deleteRepository=false`,
      undefined,
      alice,
    );
    expect(old.status).toBe(400);
    expect(old.body.message).toMatch(/keepRepository/);
  });

  it('keeps the pod security setting through registration and changes', async () => {
    await createGithubRepository(sandbox, 'acme', 'hardened');
    const bad = await postJson(
      `${gateway.url}/api/v1/projects`,
      { owner: 'acme', repo: 'hardened', podSecurity: 'privileged' },
      alice,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.message.join('\n')).toMatch(/podSecurity/);
    const { body } = await postJson(
      `${gateway.url}/api/v1/projects`,
      { owner: 'acme', repo: 'hardened', podSecurity: 'restricted' },
      alice,
    );
    expect((await untilStatus(body.id, 'ready')).body.podSecurity).toBe('restricted');
    await sendJson('PATCH', `${gateway.url}/api/v1/projects/${body.id}`, { podSecurity: 'baseline' }, alice);
    await pollUntil(
      () => project(body.id),
      (r) => r.body.podSecurity === 'baseline',
    );
    const [row] = await query(infra.databaseUrl, `SELECT pod_security FROM projects WHERE id = $1`, [body.id]);
    expect(row.pod_security).toBe('baseline');
  });

  it("shows a delivery of the project's repository to its owner, and to nobody else", async () => {
    const repo = await createGithubRepository(sandbox, 'acme', 'watched');
    const { body } = await postJson(`${gateway.url}/api/v1/projects`, { owner: 'acme', repo: 'watched' }, alice);
    await untilStatus(body.id, 'ready');
    const push = require('@octokit/webhooks-examples').find((e: any) => e.name === 'push').examples[1];
    const sent = await sendWebhook(gateway.url, 'push', { ...push, repository: { ...push.repository, id: repo.id } });
    const asOwner = await getJson(`${gateway.url}/api/v1/deliveries/${sent.deliveryId}`, alice);
    expect(asOwner).toMatchObject({ status: 200, body: { deliveryId: sent.deliveryId, event: 'push' } });
    expect((await getJson(`${gateway.url}/api/v1/deliveries/${sent.deliveryId}`, bob)).status).toBe(404);
  });

  it('turns auto-deploy off, saying why, when the App installation is removed', async () => {
    const repo = await createGithubRepository(sandbox, 'acme', 'uninstalled');
    const { body } = await postJson(`${gateway.url}/api/v1/projects`, { owner: 'acme', repo: 'uninstalled' }, alice);
    await untilStatus(body.id, 'ready');
    const removal = {
      action: 'removed',
      installation: { id: repo.installationId, account: { login: 'acme', id: 1, type: 'Organization' } },
      repositories_added: [],
      repositories_removed: [{ id: repo.id, full_name: repo.fullName }],
    };
    const sent = await sendWebhook(gateway.url, 'installation_repositories', removal);
    expect(sent.status).toBe(202);
    const off = await pollUntil(
      () => project(body.id),
      (r) => r.body.autoDeploy === false,
    );
    expect(off.body.reason).toMatch(/no longer covers/);
  });
});

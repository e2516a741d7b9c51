import {
  DEPLOY_STATUSES,
  isFailedDeployStatus,
  isSuccessfulDeployStatus,
  isTerminalDeployStatus,
  kubernetesScenario,
  kubernetesStage,
  NcpHttp,
  sameDeployHistoryId,
  SourceDeployClient,
  type NksClusterRef,
} from '@klepaas/ncp';
import type { FakeHttpServer } from './support/fake-http-server';
import { ACCESS_KEY, NO_WAIT, ok, SECRET_KEY, startNcpFake } from './support/ncp-fake';

const BASE = '/ncp/sourcedeploy/api/v1';

describe('SourceDeployClient', () => {
  let fake: FakeHttpServer;
  let http: NcpHttp;
  let client: SourceDeployClient;

  beforeEach(async () => {
    fake = await startNcpFake();
    http = new NcpHttp(NO_WAIT);
    client = new SourceDeployClient({
      endpoint: `${fake.url}/ncp/sourcedeploy`,
      accessKey: ACCESS_KEY,
      secretKey: SECRET_KEY,
      http,
    });
  });

  afterEach(async () => {
    await http.close();
    await fake.close();
  });

  it('lists, creates and deletes projects', async () => {
    fake.on('GET', `${BASE}/project`, ok({ projectList: [{ id: 1, name: 'p' }] }));
    fake.on('POST', `${BASE}/project`, ok({ id: 2, name: 'q' }));
    fake.on('DELETE', `${BASE}/project/2`, ok({ result: true }));
    await expect(client.listProjects({ pageNo: 1, pageSize: 100 })).resolves.toEqual([{ id: 1, name: 'p' }]);
    expect(fake.requests[0].target).toBe(`${BASE}/project?pageNo=1&pageSize=100`);
    await expect(client.createProject('q')).resolves.toEqual({ id: 2, name: 'q' });
    expect(fake.requests[1].json).toEqual({ name: 'q' });
    await client.deleteProject(2);
  });

  it('ensureDeployProject looks up by name, then creates', async () => {
    fake.on('GET', `${BASE}/project`, ok({ projectList: [] }));
    fake.on('POST', `${BASE}/project`, ok({ id: 5, name: 'owner-repo' }));
    await expect(client.ensureDeployProject('owner-repo')).resolves.toBe(5);
    expect(fake.requests[0].query.get('projectName')).toBe('owner-repo');
  });

  it.each<[string, NksClusterRef, object]>([
    ['clusterUuid', { clusterUuid: '2a6a-uuid' }, { clusterUuid: '2a6a-uuid' }],
    ['clusterNo', { clusterNo: 1234 }, { clusterNo: 1234 }],
  ])('creates a KubernetesService stage addressed by %s, as the caller chose', async (_form, cluster, config) => {
    fake.on('POST', `${BASE}/project/5/stage`, ok({ id: 6, name: 'production' }));
    await expect(client.createStage(5, kubernetesStage('production', cluster))).resolves.toEqual({
      id: 6,
      name: 'production',
    });
    expect(fake.requests[0].json).toEqual({ name: 'production', type: 'KubernetesService', config });
  });

  it('refuses a stage with both cluster forms or neither usable', () => {
    expect(() => kubernetesStage('s', { clusterUuid: 'u', clusterNo: 1 } as unknown as NksClusterRef)).toThrow(
      /not both/,
    );
    expect(() => kubernetesStage('s', { clusterUuid: '' })).toThrow(/empty/);
    expect(() => kubernetesStage('s', { clusterNo: 1.5 })).toThrow(/integer/);
  });

  it('lists, reads, patches, deletes and ensures stages', async () => {
    fake.on(
      'GET',
      `${BASE}/project/5/stage`,
      ok({ project: { id: 5, name: 'p' }, stageList: [{ id: 6, name: 'production' }] }),
    );
    fake.on(
      'GET',
      `${BASE}/project/5/stage/6`,
      ok({ id: 6, name: 'production', type: 'KubernetesService', config: { clusterUuid: 'u' } }),
    );
    fake.on('PATCH', `${BASE}/project/5/stage/6`, ok({ id: 6, name: 'production' }));
    fake.on('DELETE', `${BASE}/project/5/stage/6`, ok({ result: true }));
    const stage = kubernetesStage('production', { clusterUuid: 'u' });
    await expect(client.ensureStage(5, stage)).resolves.toBe(6);
    expect(fake.requests[0].query.get('stageName')).toBe('production');
    await expect(client.getStage(5, 6)).resolves.toMatchObject({ type: 'KubernetesService' });
    await client.updateStage(5, 6, stage);
    await client.deleteStage(5, 6);
    expect(fake.requestsTo('POST', `${BASE}/project/5/stage`)).toHaveLength(0);
  });

  it('creates a rolling scenario whose manifest comes from a SourceCommit repository path', async () => {
    fake.on('GET', `${BASE}/project/5/stage/6/scenario`, ok({ scenarioList: [] }));
    fake.on('POST', `${BASE}/project/5/stage/6/scenario`, ok({ id: 7, name: 'deploy' }));
    const scenario = kubernetesScenario({
      name: 'deploy',
      repository: 'owner-repo',
      branch: 'main',
      paths: ['k8s/deployment.yaml'],
    });
    await expect(client.ensureScenario(5, 6, scenario)).resolves.toBe(7);
    expect(fake.requestsTo('POST', `${BASE}/project/5/stage/6/scenario`)[0].json).toEqual({
      name: 'deploy',
      config: {
        strategy: 'rolling',
        manifest: { type: 'SourceCommit', repository: 'owner-repo', branch: 'main', path: ['k8s/deployment.yaml'] },
        rollback: false,
      },
    });
  });

  it('reads, patches and deletes a scenario', async () => {
    const at = `${BASE}/project/5/stage/6/scenario/7`;
    fake
      .on('GET', at, ok({ id: 7, name: 'deploy', config: { strategy: 'rolling' } }))
      .on('PATCH', at, ok({ id: 7, name: 'deploy' }))
      .on('DELETE', at, ok({ result: true }));
    await expect(client.getScenario(5, 6, 7)).resolves.toMatchObject({ config: { strategy: 'rolling' } });
    await client.updateScenario(5, 6, 7, { description: 'x' });
    await client.deleteScenario(5, 6, 7);
    expect(fake.requests.map((r) => r.method)).toEqual(['GET', 'PATCH', 'DELETE']);
  });

  it('starts a deployment with no body and returns the history id', async () => {
    fake.on('POST', `${BASE}/project/5/stage/6/scenario/7/deploy`, ok({ historyId: 900 }));
    fake.on('POST', `${BASE}/project/5/stage/6/scenario/7/deploy/request`, ok({ historyId: 901 }));
    await expect(client.startDeploy(5, 6, 7)).resolves.toBe(900);
    await expect(client.requestDeploy(5, 6, 7)).resolves.toBe(901);
    expect(fake.requests[0].body).toBe('');
  });

  it('does not start a deployment twice when the first attempt gets a 502', async () => {
    fake.on('POST', `${BASE}/project/5/stage/6/scenario/7/deploy`, { status: 502 });
    await expect(client.startDeploy(5, 6, 7)).rejects.toMatchObject({ status: 502 });
    expect(fake.requests).toHaveLength(1);
  });

  it('reads deploy history with string or number ids, and cancels a deployment', async () => {
    fake.on(
      'GET',
      `${BASE}/project/5/history`,
      ok({ historyList: [{ id: '900', status: 'inprogress', stage: { id: 6, name: 's' } }] }),
    );
    fake.on(
      'GET',
      `${BASE}/project/5/history/900`,
      ok({ id: 900, status: 'success', strategy: 'rolling', type: 'KubernetesService' }),
    );
    fake.on('POST', `${BASE}/project/5/history/900/cancel`, ok({ result: true }));
    const [item] = await client.listDeployHistory(5, { pageSize: 100 });
    expect(sameDeployHistoryId(item.id, 900)).toBe(true);
    await expect(client.getDeployHistory(5, item.id)).resolves.toMatchObject({ status: 'success' });
    await client.cancelDeploy(5, 900);
    expect(fake.requests[0].target).toBe(`${BASE}/project/5/history?pageSize=100`);
  });

  it('lists NKS clusters, whose ids a clusterNo stage uses', async () => {
    fake.on('GET', `${BASE}/kubernetes/cluster`, ok({ clusterList: [{ id: 1234, name: 'klepaas' }] }));
    await expect(client.listClusters()).resolves.toEqual([{ id: 1234, name: 'klepaas' }]);
  });

  it('carries a numeric errorCode from a refused scenario', async () => {
    fake.on('GET', `${BASE}/project/5/stage/6/scenario`, ok({ scenarioList: [] }));
    fake.on('POST', `${BASE}/project/5/stage/6/scenario`, {
      status: 400,
      json: { error: { errorCode: 330900, message: 'unknown', details: '' } },
    });
    const scenario = kubernetesScenario({
      name: 'deploy',
      repository: 'r',
      branch: 'main',
      paths: ['k8s/deployment.yaml'],
    });
    await expect(client.ensureScenario(5, 6, scenario)).rejects.toMatchObject({ status: 400, errorCode: 330900 });
  });

  it('defaults to the VPC SourceDeploy host', () => {
    expect(new SourceDeployClient({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY, http }).baseUrl).toBe(
      'https://vpcsourcedeploy.apigw.ntruss.com/api/v1',
    );
  });
});

describe('SourceDeploy status values', () => {
  it('end a deployment at success, fail, reject, canceled, error and canary_reject', () => {
    expect(DEPLOY_STATUSES.filter(isTerminalDeployStatus)).toEqual([
      'success',
      'fail',
      'reject',
      'canceled',
      'error',
      'canary_reject',
    ]);
  });

  it('keep waiting on approval, canary analysis and cancelling', () => {
    for (const s of [
      'inprogress',
      'pending',
      'canceling',
      'waiting',
      'canary_pending',
      'canary_analyzing',
      'canary_rejecting',
    ]) {
      expect(isTerminalDeployStatus(s)).toBe(false);
    }
  });

  it('count only success as a success, and never an unknown status as terminal', () => {
    expect(DEPLOY_STATUSES.filter(isSuccessfulDeployStatus)).toEqual(['success']);
    expect(isFailedDeployStatus('canceled')).toBe(false);
    expect(isFailedDeployStatus('error')).toBe(true);
    expect(isTerminalDeployStatus('succeeded')).toBe(false);
  });
});

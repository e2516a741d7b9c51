import { buildThenDeployPipeline, NcpHttp, NcpUnexpectedResponseError, SourcePipelineClient } from '@klepaas/ncp';
import type { FakeHttpServer } from './support/fake-http-server';
import { ACCESS_KEY, NO_WAIT, ok, SECRET_KEY, startNcpFake } from './support/ncp-fake';

const BASE = '/ncp/sourcepipeline/api/v1';
const pipeline = buildThenDeployPipeline({
  name: 'owner-repo',
  buildProjectId: 3,
  deployProjectId: 5,
  stageId: 6,
  scenarioId: 7,
});

describe('SourcePipelineClient', () => {
  let fake: FakeHttpServer;
  let http: NcpHttp;
  let client: SourcePipelineClient;

  beforeEach(async () => {
    fake = await startNcpFake();
    http = new NcpHttp(NO_WAIT);
    client = new SourcePipelineClient({
      endpoint: `${fake.url}/ncp/sourcepipeline`,
      accessKey: ACCESS_KEY,
      secretKey: SECRET_KEY,
      http,
    });
  });

  afterEach(async () => {
    await http.close();
    await fake.close();
  });

  it('builds a pipeline of a build task and a deploy task linked after it, with an empty trigger', () => {
    expect(pipeline).toEqual({
      name: 'owner-repo',
      tasks: [
        { name: 'build', type: 'SourceBuild', config: { projectId: 3 }, linkedTasks: [] },
        {
          name: 'deploy',
          type: 'SourceDeploy',
          config: { projectId: 5, stageId: 6, scenarioId: 7 },
          linkedTasks: ['build'],
        },
      ],
      trigger: {},
    });
  });

  it('creates with POST /project and returns projectId', async () => {
    fake.on('POST', `${BASE}/project`, ok({ projectId: 11 }));
    await expect(client.createPipeline(pipeline)).resolves.toBe(11);
    expect(fake.requests[0].json).toEqual(pipeline);
  });

  it('sends trigger {} when the caller gives none', async () => {
    fake.on('POST', `${BASE}/project`, ok({ projectId: 11 }));
    await client.createPipeline({ name: 'x', tasks: [] });
    expect(fake.requests[0].json).toEqual({ name: 'x', tasks: [], trigger: {} });
  });

  it('ensurePipeline finds by name before creating', async () => {
    fake.on('GET', `${BASE}/project`, ok({ projectList: [{ id: 11, name: 'owner-repo' }] }));
    await expect(client.ensurePipeline(pipeline)).resolves.toBe(11);
    expect(fake.requestsTo('POST', `${BASE}/project`)).toHaveLength(0);
  });

  it('ensurePipeline creates a missing pipeline', async () => {
    fake.on('GET', `${BASE}/project`, ok({ projectList: [] }));
    fake.on('POST', `${BASE}/project`, ok({ projectId: 12 }));
    await expect(client.ensurePipeline(pipeline)).resolves.toBe(12);
  });

  it('reads, patches and deletes a pipeline', async () => {
    fake.on('GET', `${BASE}/project/11`, ok({ id: 11, name: 'owner-repo', tasks: pipeline.tasks, trigger: {} }));
    fake.on('PATCH', `${BASE}/project/11`, ok(true));
    fake.on('DELETE', `${BASE}/project/11`, ok(true));
    await expect(client.getPipeline(11)).resolves.toMatchObject({ tasks: pipeline.tasks });
    await client.updatePipeline(11, { description: 'd', tasks: pipeline.tasks });
    await client.deletePipeline(11);
    expect(fake.requests[1].json).toEqual({ description: 'd', tasks: pipeline.tasks, trigger: {} });
  });

  it('runs a pipeline with POST /project/{id}/do and returns the history id', async () => {
    fake.on('POST', `${BASE}/project/11/do`, ok({ historyId: 77 }));
    await expect(client.runPipeline(11)).resolves.toBe(77);
  });

  it('lists history with pageNo and pageSize together, or without paging', async () => {
    fake.on(
      'GET',
      `${BASE}/project/11/history`,
      ok({ historyList: [{ projectId: 11, id: 77, requestType: 'console', status: 'success' }] }),
    );
    await client.listPipelineHistory(11, { pageNo: 1, pageSize: 20 });
    await expect(client.listPipelineHistory(11)).resolves.toHaveLength(1);
    expect(fake.requests.map((r) => r.target)).toEqual([
      `${BASE}/project/11/history?pageNo=1&pageSize=20`,
      `${BASE}/project/11/history`,
    ]);
  });

  it('reads a run whose history is an object, as the docs show', async () => {
    const history = {
      id: 77,
      projectId: 11,
      status: 'running',
      tasks: [{ name: 'build', type: 'SourceBuild', status: 'success', resultId: 'b-1' }],
    };
    fake.on('GET', `${BASE}/project/11/history/77`, ok({ history }));
    await expect(client.getPipelineHistory(11, 77)).resolves.toEqual(history);
  });

  it('reads a run whose history is an array, as the Go SDK models it', async () => {
    fake.on(
      'GET',
      `${BASE}/project/11/history/77`,
      ok({
        history: [
          { id: 76, status: 'x', tasks: [] },
          { id: 77, status: 'success' },
        ],
      }),
    );
    await expect(client.getPipelineHistory(11, 77)).resolves.toEqual({ id: 77, status: 'success', tasks: [] });
  });

  it('refuses a run detail with no history', async () => {
    fake.on('GET', `${BASE}/project/11/history/77`, ok({}));
    await expect(client.getPipelineHistory(11, 77)).rejects.toBeInstanceOf(NcpUnexpectedResponseError);
  });

  it('cancels a run', async () => {
    fake.on('POST', `${BASE}/project/11/history/77/cancel`, ok(true));
    await client.cancelPipelineRun(11, 77);
    expect(fake.requests).toHaveLength(1);
  });

  it('defaults to the VPC SourcePipeline host', () => {
    expect(new SourcePipelineClient({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY, http }).baseUrl).toBe(
      'https://vpcsourcepipeline.apigw.ntruss.com/api/v1',
    );
  });
});

import { startSandbox, RunningSandbox } from '../src/start-sandbox';
import { clientsFor, SB, SC } from './support/fixtures';
import { NcpTestClient } from './support/ncp-test-client';

const AUTH_FAILED = { error: { errorCode: '200', message: 'Authentication Failed', details: expect.any(String) } };

describe('NCP signature v2 in front of every NCP API of the sandbox', () => {
  let sandbox: RunningSandbox;
  let ncp: NcpTestClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    ({ ncp } = clientsFor(sandbox));
  });
  afterAll(() => sandbox.close());

  it('accepts a request signed with the configured key pair over the full path, prefix included', async () => {
    const response = await ncp.get(`${SC}/repository`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ result: { total: 0, repository: [] } });
  });

  it('accepts the signature under the -v1 header name the official Go SDK sends', async () => {
    const response = await ncp.get(`${SC}/repository`, { signatureHeader: 'x-ncp-apigw-signature-v1' });
    expect(response.status).toBe(200);
  });

  it('includes the query string in what is signed', async () => {
    const uri = `${SB}/project?pageNo=1&pageSize=10`;
    expect((await ncp.get(uri)).status).toBe(200);
    const pathOnly = await ncp.get(uri, { signedUri: `${SB}/project` });
    expect(pathOnly.status).toBe(401);
    expect(pathOnly.body).toEqual(AUTH_FAILED);
  });

  it('answers 401 with errorCode 200 for a signature made with the wrong secret key', async () => {
    const response = await ncp.get(`${SC}/repository`, { secretKey: 'not-the-secret' });
    expect(response.status).toBe(401);
    expect(response.body).toEqual(AUTH_FAILED);
    expect(response.headers.get('x-sandbox-auth-failure')).toBe('signature mismatch');
  });

  it('answers 401 with errorCode 200 for an access key it does not know, even when correctly signed', async () => {
    const response = await ncp.get(`${SC}/repository`, { accessKey: 'someone-else', secretKey: 'their-secret' });
    expect(response.status).toBe(401);
    expect(response.body).toEqual(AUTH_FAILED);
    expect(response.headers.get('x-sandbox-auth-failure')).toBe('unknown access key');
  });

  it('answers 401 with errorCode 200 when the timestamp is more than five minutes off in either direction', async () => {
    const sixMinutes = 6 * 60 * 1000;
    for (const timestamp of [Date.now() - sixMinutes, Date.now() + sixMinutes]) {
      const response = await ncp.get(`${SC}/repository`, { timestamp });
      expect(response.status).toBe(401);
      expect(response.body).toEqual(AUTH_FAILED);
    }
    expect((await ncp.get(`${SC}/repository`, { timestamp: Date.now() - 4 * 60 * 1000 })).status).toBe(200);
  });

  it('answers 401 with errorCode 200 when the signature headers are missing', async () => {
    const response = await fetch(`${sandbox.url}${SC}/repository`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(AUTH_FAILED);
  });

  it('guards the NCR management API the same way', async () => {
    const uri = `/ncp/ncr/api/v2/repositories/${sandbox.options.registryName}`;
    expect((await ncp.get(uri)).status).toBe(200);
    expect((await ncp.get(uri, { secretKey: 'wrong' })).body).toEqual(AUTH_FAILED);
  });

  it('answers unknown NCP paths with 404 and errorCode 300 in NCP’s error shape', async () => {
    const response = await ncp.get(`${SB}/project/20001/nothing-here`);
    expect(response.status).toBe(404);
    expect(response.body.error.errorCode).toBe('300');
  });
});

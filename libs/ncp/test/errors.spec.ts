import { inspect } from 'node:util';
import {
  errorFromResponse,
  isNcpApiError,
  NcpApiError,
  NcpNetworkError,
  NcpUnexpectedResponseError,
  unwrapResult,
} from '@klepaas/ncp';

const SECRET = 'topSecretKey/123+abc=';
const call = {
  service: 'SourceDeploy',
  method: 'POST',
  url: 'https://vpcsourcedeploy.apigw.ntruss.com/api/v1/project/1/stage/2/scenario',
};
const redact = (t: string) => t.split(SECRET).join('[redacted]');

describe('NCP error mapping', () => {
  it('keeps a string errorCode, message and details from the NCP error body', () => {
    const body = JSON.stringify({
      error: { errorCode: '200', message: 'Authentication Failed', details: 'Invalid authentication information.' },
    });
    const error = errorFromResponse(401, body, call, 1);
    expect(error).toBeInstanceOf(NcpApiError);
    expect(error).toMatchObject({
      status: 401,
      errorCode: '200',
      ncpMessage: 'Authentication Failed',
      details: 'Invalid authentication information.',
    });
    expect(error.call).toEqual(call);
    expect(error.message).toBe(
      'SourceDeploy POST https://vpcsourcedeploy.apigw.ntruss.com/api/v1/project/1/stage/2/scenario failed: HTTP 401 errorCode 200: Authentication Failed (Invalid authentication information.)',
    );
  });

  it('keeps a numeric errorCode as a number and drops empty details', () => {
    const error = errorFromResponse(400, '{"error":{"errorCode":330900,"message":"unknown","details":""}}', call, 1);
    expect(error.errorCode).toBe(330900);
    expect(error.details).toBeUndefined();
    expect(error.isClientError).toBe(true);
  });

  it('describes a non-JSON error body by a short snippet', () => {
    const html = `<html><body>${'Bad gateway '.repeat(50)}</body></html>`;
    const error = errorFromResponse(502, html, call, 3);
    expect(error.status).toBe(502);
    expect(error.errorCode).toBeUndefined();
    expect(error.ncpMessage).toMatch(/^unreadable error body: <html><body>Bad gateway/);
    expect(error.ncpMessage.length).toBeLessThan(260);
    expect(error.message).toContain('after 3 attempts');
  });

  it('says so when the error body is empty', () => {
    expect(errorFromResponse(503, '', call, 1).ncpMessage).toBe('no error body');
  });

  it("reads a Docker registry's errors array", () => {
    const error = errorFromResponse(
      403,
      '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}',
      call,
      1,
    );
    expect(error).toMatchObject({ errorCode: 'DENIED', ncpMessage: 'requested access to the resource is denied' });
  });

  it('never carries the secret in its message, toString or JSON, even when a server echoes it', () => {
    const body = JSON.stringify({
      error: { errorCode: '100', message: `bad key ${SECRET}`, details: `got ${SECRET}` },
    });
    const error = errorFromResponse(400, body, call, 1, redact);
    const nonJson = errorFromResponse(500, `oops ${SECRET}`, call, 1, redact);
    for (const e of [error, nonJson]) {
      expect(e.message).not.toContain(SECRET);
      expect(String(e)).not.toContain(SECRET);
      expect(JSON.stringify(e)).not.toContain(SECRET);
      expect(inspect(e)).not.toContain(SECRET);
    }
    expect(error.message).toContain('[redacted]');
  });

  it('removes userinfo from the URL of the call', () => {
    const error = new NcpApiError({
      status: 500,
      ncpMessage: 'x',
      call: { ...call, url: 'https://user:pw@host.example/api/v1/x' },
    });
    expect(error.call.url).toBe('https://host.example/api/v1/x');
    expect(error.message).not.toContain('pw');
  });

  it('serialises to status, errorCode, message, details and the call', () => {
    const error = errorFromResponse(404, '{"error":{"errorCode":"300","message":"Not Found Exception"}}', call, 1);
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'NcpApiError',
      message: error.message,
      status: 404,
      errorCode: '300',
      call,
      attempts: 1,
    });
    expect(error.isNotFound).toBe(true);
    expect(isNcpApiError(error)).toBe(true);
  });

  it('makes a network failure an NcpApiError with status 0 and the transport code', () => {
    const error = new NcpNetworkError({
      call,
      code: 'ECONNREFUSED',
      ncpMessage: 'ECONNREFUSED: connect refused',
      attempts: 4,
    });
    expect(error).toBeInstanceOf(NcpApiError);
    expect(error).toMatchObject({ status: 0, code: 'ECONNREFUSED', name: 'NcpNetworkError' });
    expect(error.message).toContain('no HTTP response');
    expect(JSON.parse(JSON.stringify(error)).code).toBe('ECONNREFUSED');
  });
});

describe('result unwrapping', () => {
  it('returns the payload inside {"result": …}, objects and bare booleans alike', () => {
    expect(unwrapResult(200, '{"result":{"id":7,"name":"a"}}', call, 1)).toEqual({ id: 7, name: 'a' });
    expect(unwrapResult(200, '{"result":true}', call, 1)).toBe(true);
  });

  it('returns an unwrapped body as it is, and nothing for an empty body', () => {
    expect(unwrapResult(200, '{"count":0,"results":[]}', call, 1)).toEqual({ count: 0, results: [] });
    expect(unwrapResult(204, '', call, 1)).toBeUndefined();
  });

  it('treats a 2xx body that carries an error as a failure, as the Go SDK does', () => {
    expect(() => unwrapResult(200, '{"error":{"errorCode":"900","message":"Unexpected Error"}}', call, 1)).toThrow(
      NcpApiError,
    );
  });

  it('refuses a 2xx body that is not JSON', () => {
    expect(() => unwrapResult(200, '<html>', call, 1)).toThrow(NcpUnexpectedResponseError);
  });
});

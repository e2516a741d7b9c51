import { inspect } from 'node:util';
import { buildUrl, createSigner, NCP_HEADERS, requestUriOf, signatureV2, stringToSign } from '@klepaas/ncp';
import { opensslSignature } from './support/independent-hmac';

const ACCESS = 'AKIAEXAMPLE12345';
const SECRET = 'secretKeyWith/Slash+Plus=Equals';

describe('signature v2', () => {
  it('builds the string to sign as "METHOD uri", timestamp and access key on three lines', () => {
    expect(stringToSign('get', '/api/v1/project?projectName=a', '1700000000000', ACCESS)).toBe(
      `GET /api/v1/project?projectName=a\n1700000000000\n${ACCESS}`,
    );
  });

  it.each([
    ['GET', '/api/v1/repository'],
    ['POST', '/api/v1/project/17/build'],
    ['GET', '/ncp/sourcebuild/api/v1/project?projectName=owner-repo&pageNo=1&pageSize=100'],
    ['DELETE', '/ncp/sourcedeploy/api/v1/project/3/stage/9'],
    ['GET', '/ncr/api/v2/repositories/klepaas-test/hello%2Fworld/tags?page=1&pagesize=10'],
  ])('signs %s %s exactly as openssl computes HMAC-SHA256 in base64', (method, uri) => {
    const message = stringToSign(method, uri, '1732600000123', ACCESS);
    expect(signatureV2(SECRET, message)).toBe(opensslSignature(SECRET, message));
  });

  it('signs a UTF-8 secret the same way openssl does', () => {
    const message = stringToSign('GET', '/api/v1/env/os', '1732600000123', ACCESS);
    expect(signatureV2('비밀-키', message)).toBe(opensslSignature('비밀-키', message));
  });

  it('signs the full path after the host, including a base URL prefix and the query', () => {
    const url = buildUrl('http://127.0.0.1:4000/ncp/sourcebuild/api/v1/', '/project', {
      projectName: 'my app',
      pageNo: 1,
    });
    expect(requestUriOf(url)).toBe('/ncp/sourcebuild/api/v1/project?projectName=my%20app&pageNo=1');
    const headers = createSigner({ accessKey: ACCESS, secretKey: SECRET }).headers('GET', url, 1732600000123);
    const expected = opensslSignature(
      SECRET,
      `GET /ncp/sourcebuild/api/v1/project?projectName=my%20app&pageNo=1\n1732600000123\n${ACCESS}`,
    );
    expect(headers[NCP_HEADERS.signature]).toBe(expected);
  });

  it('sends the timestamp in epoch milliseconds, the access key and the signature, and the region only when set', () => {
    const url = new URL('https://sourcecommit.apigw.ntruss.com/api/v1/repository');
    const plain = createSigner({ accessKey: ACCESS, secretKey: SECRET }).headers('GET', url, 1732600000123.9);
    expect(Object.keys(plain).sort()).toEqual([
      'x-ncp-apigw-signature-v2',
      'x-ncp-apigw-timestamp',
      'x-ncp-iam-access-key',
    ]);
    expect(plain['x-ncp-apigw-timestamp']).toBe('1732600000123');
    expect(plain['x-ncp-iam-access-key']).toBe(ACCESS);
    const regional = createSigner({ accessKey: ACCESS, secretKey: SECRET }, 'KR').headers('GET', url, 1732600000123);
    expect(regional['x-ncp-region_code']).toBe('KR');
  });

  it('refuses to build a signer without both keys', () => {
    expect(() => createSigner({ accessKey: ACCESS, secretKey: '' })).toThrow(/both required/);
    expect(() => createSigner({ accessKey: '', secretKey: SECRET })).toThrow(/both required/);
  });

  it('keeps the secret out of an inspected or serialised signer', () => {
    const signer = createSigner({ accessKey: ACCESS, secretKey: SECRET });
    expect(inspect(signer, { depth: 5 })).not.toContain(SECRET);
    expect(JSON.stringify(signer)).not.toContain(SECRET);
    expect(signer.redact(`echo ${SECRET} back`)).toBe('echo [redacted] back');
  });
});

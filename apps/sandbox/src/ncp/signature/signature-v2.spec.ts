import { createHmac } from 'node:crypto';
import { MAX_CLOCK_SKEW_MS, verifySignatureV2 } from './signature-v2';

const SECRET = 'secret';
const sign = (method: string, url: string, timestamp: string, key = 'key', secret = SECRET) =>
  createHmac('sha256', secret).update(`${method} ${url}\n${timestamp}\n${key}`).digest('base64');
const request = (url: string, timestamp: string, signature: string, header = 'x-ncp-apigw-signature-v2') => ({
  method: 'GET',
  url,
  headers: { 'x-ncp-apigw-timestamp': timestamp, 'x-ncp-iam-access-key': 'key', [header]: signature },
});
const secretFor = (key: string) => (key === 'key' ? SECRET : undefined);

describe('signature v2 verification', () => {
  const now = 1_700_000_000_000;
  const ts = String(now);

  it('accepts the documented string to sign: method, space, path with query, timestamp, access key', () => {
    expect(
      verifySignatureV2(
        request('/api/v1/project?pageNo=1', ts, sign('GET', '/api/v1/project?pageNo=1', ts)),
        secretFor,
        now,
      ),
    ).toBeUndefined();
  });

  it('accepts the -v1 header the Go SDK sends', () => {
    expect(
      verifySignatureV2(request('/x', ts, sign('GET', '/x', ts), 'x-ncp-apigw-signature-v1'), secretFor, now),
    ).toBeUndefined();
  });

  it('refuses a signature that left the query out', () => {
    expect(verifySignatureV2(request('/x?a=1', ts, sign('GET', '/x', ts)), secretFor, now)).toBe('signature mismatch');
  });

  it('refuses timestamps just over five minutes away, either side, and accepts them at exactly five', () => {
    for (const offset of [MAX_CLOCK_SKEW_MS + 1, -MAX_CLOCK_SKEW_MS - 1]) {
      const t = String(now + offset);
      expect(verifySignatureV2(request('/x', t, sign('GET', '/x', t)), secretFor, now)).toBe(
        'timestamp more than 5 minutes off',
      );
    }
    const edge = String(now - MAX_CLOCK_SKEW_MS);
    expect(verifySignatureV2(request('/x', edge, sign('GET', '/x', edge)), secretFor, now)).toBeUndefined();
  });

  it('refuses unknown keys and missing headers', () => {
    const unknown = {
      ...request('/x', ts, sign('GET', '/x', ts, 'other')),
      headers: { 'x-ncp-apigw-timestamp': ts, 'x-ncp-iam-access-key': 'other', 'x-ncp-apigw-signature-v2': 'x' },
    };
    expect(verifySignatureV2(unknown, secretFor, now)).toBe('unknown access key');
    expect(verifySignatureV2({ method: 'GET', url: '/x', headers: {} }, secretFor, now)).toBe(
      'missing signature headers',
    );
  });
});

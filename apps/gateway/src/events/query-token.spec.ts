import type { IncomingMessage } from 'node:http';
import { takeQueryToken } from './query-token';

const requestFor = (url: string, headers: Record<string, string> = {}) =>
  ({ url, headers: { ...headers } }) as unknown as IncomingMessage;

describe('takeQueryToken', () => {
  it('moves the events route token into the Authorization header and out of the URL', () => {
    const req = requestFor('/api/v1/events?projectId=p&access_token=abc.def.ghi&runId=r');
    takeQueryToken(req);
    expect(req.url).toBe('/api/v1/events?projectId=p&runId=r');
    expect(req.headers.authorization).toBe('Bearer abc.def.ghi');
  });

  it('keeps an Authorization header the client sent', () => {
    const req = requestFor('/api/v1/events?access_token=from-query', { authorization: 'Bearer from-header' });
    takeQueryToken(req);
    expect(req.url).toBe('/api/v1/events');
    expect(req.headers.authorization).toBe('Bearer from-header');
  });

  it('drops the token from any other route without honouring it', () => {
    const req = requestFor('/api/v1/projects?access_token=abc&limit=5');
    takeQueryToken(req);
    expect(req.url).toBe('/api/v1/projects?limit=5');
    expect(req.headers.authorization).toBeUndefined();
  });

  it('leaves a URL without the parameter exactly as it was', () => {
    const req = requestFor('/api/v1/events?projectId=a%20b&note=access_tokens');
    takeQueryToken(req);
    expect(req.url).toBe('/api/v1/events?projectId=a%20b&note=access_tokens');
    expect(req.headers.authorization).toBeUndefined();
  });
});

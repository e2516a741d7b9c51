import type { IncomingMessage } from 'node:http';
import { SETUP_CALLBACK_PATH } from './app-manifest';
import { manifestCode, takeManifestCode } from './callback-code';

const request = (url: string) => ({ url }) as IncomingMessage;

describe('takeManifestCode', () => {
  it.each([
    SETUP_CALLBACK_PATH,
    `${SETUP_CALLBACK_PATH}/`,
    SETUP_CALLBACK_PATH.toUpperCase(),
    `${SETUP_CALLBACK_PATH.replace('github-app', 'GitHub-App')}//`,
  ])('takes the code out of the URL of every path Express routes to the callback (%s)', (path) => {
    const req = request(`${path}?code=secret-code&state=s1`);
    takeManifestCode(req);
    expect(req.url).toBe(`${SETUP_CALLBACK_PATH}?state=s1`);
    expect(manifestCode(req)).toBe('secret-code');
  });

  it('leaves other paths alone', () => {
    const req = request('/api/v1/projects?code=abc');
    takeManifestCode(req);
    expect(req.url).toBe('/api/v1/projects?code=abc');
    expect(manifestCode(req)).toBeUndefined();
  });
});

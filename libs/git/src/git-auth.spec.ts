import { basicAuth } from './git-auth';

describe('basicAuth', () => {
  const auth = basicAuth('https://devtools.example/1/repo.git', { username: 'git-user', password: 's3cret-pass' });

  it("scopes the header to the remote's host and switches credential helpers off", () => {
    expect(auth.config).toEqual([
      ['credential.helper', ''],
      [
        'http.https://devtools.example/.extraHeader',
        `Authorization: Basic ${Buffer.from('git-user:s3cret-pass').toString('base64')}`,
      ],
    ]);
  });

  it('names the password and its encoded form as secrets to scrub from errors', () => {
    expect(auth.secrets).toEqual(['s3cret-pass', Buffer.from('git-user:s3cret-pass').toString('base64')]);
  });
});
